"""/healthz says which service answers; with the database unreachable, pages and the API answer a clear 503
and start-up says what is wrong."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT_DATABASE = "postgres://postgres@127.0.0.1:9/rulebook_unreachable?connect_timeout=2"

# Run in a process of its own whose DATABASE_URL names a port nothing listens on.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Pages without a collectstatic run first (the suite's own setting, tests/conftest.py).
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client(HTTP_HOST="localhost", raise_request_exception=False)
answers = {}
for address in ["/healthz", "/documents/", "/documents/industrial-carbon-peaking-2022/", "/api/documents/"]:
    response = client.get(address)
    answers[address] = {"status": response.status_code, "type": response["Content-Type"],
                        "retry": response.get("Retry-After"), "body": response.content.decode()}
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def unreachable(tmp_path_factory):
    data = tmp_path_factory.mktemp("unreachable")
    env = {**os.environ, "RULEBOOK_DATA_DIR": str(data), "DATABASE_URL": CLOSED_PORT_DATABASE}
    env.update(SEARCH_BACKEND="whoosh", CACHE_URL="locmem://", LOG_LEVEL="CRITICAL")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    probe = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert probe.returncode == 0, probe.stderr
    check = subprocess.run(
        [sys.executable, "manage.py", "check_services"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return json.loads(probe.stdout), check


def test_healthz_names_the_unreachable_database_and_the_missing_index(unreachable):
    answer = unreachable[0]["/healthz"]
    assert answer["status"] == 503
    body = json.loads(answer["body"])
    assert body["status"] == "error"
    assert body["database"]["status"] == "error"
    assert "postgresql database unreachable" in body["database"]["reason"]
    assert "127.0.0.1" in body["database"]["reason"] and "9" in body["database"]["reason"]
    assert body["search"] == {
        "status": "error",
        "reason": "no search index has been built: run `manage.py rebuild_index`",
    }
    assert body["cache"] == {"status": "ok"}


@pytest.mark.parametrize("address", ["/documents/", "/documents/industrial-carbon-peaking-2022/"])
def test_a_page_answers_a_clear_503_page_while_the_database_is_unreachable(unreachable, address):
    answer = unreachable[0][address]
    assert answer["status"] == 503
    assert answer["type"].startswith("text/html")
    assert answer["retry"] == "30"
    assert "Rulebook is temporarily unavailable" in answer["body"]
    assert "The database cannot be reached at the moment" in answer["body"]


def test_the_api_answers_503_json_while_the_database_is_unreachable(unreachable):
    answer = unreachable[0]["/api/documents/"]
    assert answer["status"] == 503
    assert json.loads(answer["body"]) == {
        "detail": "The database cannot be reached at the moment; please try again in a minute."
    }


def test_start_up_says_what_is_wrong(unreachable):
    check = unreachable[1]
    assert check.returncode == 1
    assert "database: ERROR postgresql database unreachable" in check.stdout
    assert "search: ERROR no search index has been built" in check.stdout
    assert "cache: ok" in check.stdout
    assert "answers 503 until these answer: database, search" in check.stderr


@pytest.mark.django_db
def test_healthz_is_200_when_everything_answers(client, corpus_index, settings):
    from tests.helpers import whoosh_at

    if settings.SEARCH_BACKEND != "postgres":
        settings.SEARCH_BACKENDS = whoosh_at(corpus_index)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok"},
        "search": {"status": "ok"},
        "cache": {"status": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_when_the_cache_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    try:
        body = client.get("/healthz").json()
    finally:
        cache.close()
    assert body["cache"]["status"] == "error"
    assert body["cache"]["reason"].startswith("cache unreachable (ConnectionError")
