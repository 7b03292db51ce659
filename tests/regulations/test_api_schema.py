"""Schemathesis drives every API operation from the OpenAPI schema with all its checks, as a consultant (so
writes reach the code) and anonymously: no server error, every status code and content type documented,
every answer conforming, invalid input refused and authentication enforced where the schema says."""

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks

from tests.helpers import whoosh_at


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """Schemathesis calls the WSGI app directly, so Django's request signals would close the test
    transaction's connection after each call; the test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _search_index(settings, corpus_index):
    """/api/search/ is in the schema: it answers from the corpus index (the session's scratch index is
    never built, and a missing index answers 503)."""
    if settings.SEARCH_BACKEND != "postgres":
        settings.SEARCH_BACKENDS = whoosh_at(corpus_index)


@pytest.fixture
def consultant_token(django_user_model):
    user = django_user_model.objects.create_user("schemathesis")
    user.groups.add(Group.objects.get(name="Consultant"))
    return Token.objects.create(user=user).key


schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# A request can match the schema and still be refused for what it says (a related object that does not
# exist, a rule of the model, a cursor from nowhere): the API answers those with a 400 that says why.
schema.config.checks.positive_data_acceptance.expected_statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_api_operation_conforms_to_its_schema(case, consultant_token):
    cache.clear()  # the wrong tokens of the authentication checks must not throttle the cases after them
    case.call_and_validate(headers={"Authorization": f"Token {consultant_token}"}, checks=ALL_CHECKS)


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_api_operation_conforms_to_its_schema_for_anonymous_clients(case, db):
    cache.clear()
    case.call_and_validate(checks=ALL_CHECKS)
