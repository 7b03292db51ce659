"""Guessing is stopped: admin sign-in locks out after a few wrong passwords (counted in the database, so
across workers), wrong API tokens are throttled per address, and a signed-in user lands on the admin."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="right-password", is_staff=True)


def sign_in(client, password, **extra):
    return client.post(LOGIN, {"username": "editor", "password": password}, **extra)


def test_after_five_wrong_passwords_even_the_right_one_is_refused_with_when_to_retry(client, settings, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    response = sign_in(client, "right-password")
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.AXES_COOLOFF_TIME.seconds)
    assert "Try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_count_is_kept_in_the_database_so_every_worker_sees_it(client, settings, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert AccessAttempt.objects.get(username="editor").failures_since_start == settings.AXES_FAILURE_LIMIT


def test_another_address_cannot_sign_in_to_the_locked_account_either(client, settings, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert sign_in(client, "right-password", REMOTE_ADDR="10.1.2.3").status_code == 429


def test_a_right_password_before_the_limit_signs_in_and_lands_on_the_admin(client, editor):
    sign_in(client, "wrong")
    response = sign_in(client, "right-password")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_an_unsafe_next_falls_back_to_the_admin_not_a_404(client, editor):
    response = client.post(f"{LOGIN}?next=https://evil.example/", {"username": "editor", "password": "right-password"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_wrong_tokens_from_one_address_are_throttled_with_retry_after(settings, django_user_model):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=django_user_model.objects.create_user("token-owner")).key
    api = APIClient()
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["failed_token"].split("/")[0])
    for attempt in range(limit):
        assert api.get("/api/documents/", HTTP_AUTHORIZATION=f"Token wrong{attempt}").status_code == 401
    refused = api.get("/api/documents/", HTTP_AUTHORIZATION="Token wrong-again")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Too many wrong tokens from this address.")
    assert api.get("/api/documents/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 429
    other = api.get("/api/documents/", HTTP_AUTHORIZATION=f"Token {token}", REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_requests_without_a_token_are_not_counted_as_wrong_tokens(settings):
    api = APIClient()
    for _ in range(30):
        assert api.get("/api/industries/").status_code == 200
    assert api.get("/api/documents/", HTTP_AUTHORIZATION="Token wrong").status_code == 401
