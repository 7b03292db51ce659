"""Production settings: `check --deploy` is clean with the documented ones, the cache comes from CACHE_URL,
and the anonymous API limit (search included) holds against a forged X-Forwarded-For."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.throttling import AnonRateThrottle

from config.env import cache_from_url, env_bool

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTED = ROOT / ".env.production.example"


def documented_settings() -> dict[str, str]:
    lines = DOCUMENTED.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    # DJANGO_ALLOW_ASYNC_UNSAFE is the browser harness's (tests/browser/conftest.py), never a deployment's.
    ignored = {"DATABASE_URL", "SEARCH_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(documented_settings(), RULEBOOK_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_the_embedded_defaults_leave_open(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "CSRF_")) and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["RULEBOOK_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W004" in result.stderr


def test_the_cache_url_chooses_djangos_own_backends(tmp_path):
    redis = cache_from_url("redis://127.0.0.1:6379/5", tmp_path)
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/5"
    unset = cache_from_url("", tmp_path)
    assert unset["BACKEND"].endswith("FileBasedCache") and unset["LOCATION"] == str(tmp_path)
    assert cache_from_url("file:///srv/cache", tmp_path)["LOCATION"] == "/srv/cache"
    assert cache_from_url("locmem://", tmp_path)["BACKEND"].endswith("LocMemCache")


def test_an_unknown_cache_url_is_named_without_its_password(tmp_path):
    with pytest.raises(ValueError, match="CACHE_URL must start with") as refused:
        cache_from_url("memcached://user:secret@cache:11211", tmp_path)
    assert "secret" not in str(refused.value)


def test_a_mistyped_switch_is_refused_rather_than_read_as_off(monkeypatch):
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "ture")
    with pytest.raises(ValueError, match="SECURE_SSL_REDIRECT must be"):
        env_bool("SECURE_SSL_REDIRECT")
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "off")
    assert env_bool("SECURE_SSL_REDIRECT", True) is False


@pytest.fixture
def three_a_minute(monkeypatch):
    # DRF reads its rates when the throttle class is defined; the setting alone would not reach it.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "3/minute"})


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/api/search/?q=battery", "/api/search/autocomplete/?q=bat", "/api/documents/"])
def test_a_forged_forwarded_for_header_does_not_escape_the_anonymous_limit(client, three_a_minute, address):
    for number in range(3):
        assert client.get(address, HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").status_code != 429
    refused = client.get(address, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert "throttled" in refused.json()["detail"].lower()


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, settings, three_a_minute):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(3):
        client.get("/api/search/?q=battery", HTTP_X_FORWARDED_FOR="forged, 203.0.113.1")
    assert client.get("/api/search/?q=battery", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    assert client.get("/api/search/?q=battery", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code != 429


def test_sign_in_lockout_sees_the_same_client_address_as_the_api_limits(rf, settings):
    from axes.helpers import get_client_ip_address

    forged = rf.get("/admin/login/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="192.0.2.1")
    assert get_client_ip_address(forged) == "192.0.2.1"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxied = rf.get("/admin/login/", HTTP_X_FORWARDED_FOR="forged, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert get_client_ip_address(proxied) == "203.0.113.9"
