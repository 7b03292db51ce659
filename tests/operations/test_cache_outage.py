"""A cache that stops answering (Redis down, flushed or restored from an old snapshot) costs speed, never an answer
and never a stale page: readers and API clients keep being served, and a save made meanwhile still shows at once
when the cache is back with its old pages."""

import pytest
from django.core.cache import cache

from regulations.models import Provision
from tests.helpers import edit, whoosh_at

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
}
KEPT = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept-through-outage"}}
PROVISION = "/documents/industrial-carbon-peaking-2022/part_2__sec_7__item_2/"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = UNREACHABLE
    yield
    cache.close()


@pytest.mark.parametrize(
    "address",
    ["/api/documents/", "/api/search/?q=battery", "/api/search/autocomplete/?q=bat", "/api/targets/", PROVISION],
)
def test_readers_and_api_clients_are_answered_while_the_cache_is_down(
    client, settings, corpus_index, cache_down, address, caplog
):
    settings.SEARCH_BACKENDS = whoosh_at(corpus_index)
    settings.PAGE_CACHE_SECONDS = 3600
    response = client.get(address)
    assert response.status_code == 200, response.content[:300]
    assert "unavailable" in caplog.text  # said, not swallowed


def test_a_wrong_token_is_still_refused_while_the_cache_is_down(client, cache_down):
    response = client.get("/api/documents/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401


def test_a_save_while_the_cache_is_down_shows_when_it_is_back_with_its_old_pages(
    client, settings, plan, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 3600
    settings.CACHES = KEPT
    client.get(PROVISION)
    assert client.get(PROVISION)["X-Page-Cache"] == "hit"

    settings.CACHES = UNREACHABLE
    provision = Provision.objects.get(document=plan, eid="part_2__sec_7__item_2")
    with django_capture_on_commit_callbacks(execute=True):
        edit(provision, text="Saved while the cache was down: quokka.")
    cache.close()

    settings.CACHES = KEPT  # back, with the page it held before the save
    response = client.get(PROVISION)
    assert response["X-Page-Cache"] == "miss"
    assert "Saved while the cache was down: quokka." in response.content.decode()
