"""The API's answers to what it cannot use: JSON objects with a `detail`, the status the schema documents."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from regulations.models import Industry

pytestmark = pytest.mark.django_db

PLAN = "industrial-carbon-peaking-2022"


@pytest.fixture
def consultant(django_user_model):
    cache.clear()
    user = django_user_model.objects.create_user("errors-consultant")
    user.groups.add(Group.objects.get(name="Consultant"))
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_address_under_api_that_names_nothing_is_a_json_404():
    for path in ("/api/nothing-here/", "/api/documents/a%0Ab/provisions/x/", "/api/industries/a.b/"):
        response = APIClient().get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]
    assert "no API endpoint" in APIClient().get("/api/nothing-here/").json()["detail"]


def test_values_of_the_wrong_json_type_are_refused_field_by_field(consultant):
    response = consultant.post(
        "/api/glossary/",
        {"slug": "x-term", "term_en": 0, "definition": ["list"], "abbreviations": [1]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "term_en": ["Must be a string."],
        "definition": ["Must be a string."],
        "abbreviations": ["Must be a string."],
    }
    response = consultant.patch(f"/api/industries/{Industry.objects.first().slug}/", {"parent": ""}, format="json")
    assert response.json() == {"parent": ["Must not be empty; send null for none."]}


def test_a_body_that_is_not_json_is_refused_with_415():
    response = APIClient().post("/api/links/check/", "text=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "detail" in response.json()


def test_a_boolean_or_year_filter_it_cannot_read_is_a_400_not_everything():
    api = APIClient()
    assert api.get("/api/targets/?verified=null").status_code == 400
    assert api.get("/api/targets/?target_year=2025.5").status_code == 400
    assert api.get("/api/targets/?verified=").status_code == 200
    verified = api.get("/api/targets/?verified=true").json()["count"]
    assert 0 < verified < api.get("/api/targets/").json()["count"]


def test_a_search_term_past_the_bound_is_a_400_that_says_so():
    response = APIClient().get("/api/documents/", {"search": "x" * 100_000})
    assert response.status_code == 400
    assert response.json() == {"search": ["At most 500 characters; this is 100,000."]}


def test_a_bare_validation_error_is_answered_as_an_object_with_detail():
    response = APIClient().get("/api/documents/", {"search": "a\x00b"})
    assert response.status_code == 400
    assert isinstance(response.json(), dict) and response.json()["detail"]


def test_deleting_an_industry_with_sub_industries_is_a_409_that_says_why(consultant):
    parent = Industry.objects.filter(children__isnull=False).first()
    response = consultant.delete(f"/api/industries/{parent.slug}/")
    assert response.status_code == 409
    assert "refer to it" in response.json()["detail"]
    assert Industry.objects.filter(pk=parent.pk).exists()


def test_a_top_level_provision_has_a_null_parent_as_the_schema_says():
    outline = APIClient().get(f"/api/documents/{PLAN}/").json()["provisions"]
    assert outline[0]["parent"] is None


def test_the_schema_documents_the_error_answers_and_anonymous_reads():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    provision = schema["paths"]["/api/documents/{document_slug}/provisions/{eid}/"]
    assert {"304", "400", "401", "404", "412", "429"} <= set(provision["get"]["responses"])
    assert {"400", "401", "403", "404", "409", "415", "429"} <= set(provision["patch"]["responses"])
    assert {} in provision["get"]["security"] and {} not in provision["patch"]["security"]
    assert "409" not in schema["paths"]["/api/links/check/"]["post"]["responses"]


def test_a_change_list_filter_with_a_control_character_is_a_400_on_every_database():
    response = APIClient().get("/api/changes/", {"document": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("document: Remove the control character U+0000")
