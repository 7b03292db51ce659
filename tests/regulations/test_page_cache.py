"""Cached pages: anonymous readers get document, provision, industry and target pages from the cache; a save
shows at once on the pages that show what it changed, and every other page stays cached; signed-in readers
(who may see drafts) are never served from the cache."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from regulations.models import Document, Industry, Provision, Publication, Target
from regulations.site import page_cache
from tests.helpers import edit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


PROVISION = "/documents/industrial-carbon-peaking-2022/part_2__sec_7__item_2/"
DOCUMENT = "/documents/industrial-carbon-peaking-2022/"


def cache_state(client, address, **query):
    response = client.get(address, query)
    assert response.status_code == 200, address
    return response.get("X-Page-Cache"), response.content.decode()


@pytest.fixture
def provision(plan):
    return Provision.objects.get(document=plan, eid="part_2__sec_7__item_2")


@pytest.fixture
def unrelated(provision):
    """A document whose pages show nothing of the provision (no relation to it either way)."""
    showing = page_cache._documents_showing_provision(provision)
    document = Document.objects.exclude(slug__in=showing).order_by("slug").first()
    assert document is not None
    return f"/documents/{document.slug}/"


@pytest.mark.parametrize("address", [PROVISION, DOCUMENT, "/industries/steel/", "/targets/"])
def test_the_second_anonymous_request_is_served_from_the_cache(client, address):
    first, page = cache_state(client, address)
    second, cached = cache_state(client, address)
    assert (first, second) == ("miss", "hit")
    assert cached == page


def test_a_saved_provision_shows_at_once_and_unrelated_pages_stay_cached(client, committed, provision, unrelated):
    for address in (PROVISION, DOCUMENT, unrelated):
        cache_state(client, address)
    committed(edit, provision, heading_en="Energy efficiency of key equipment, as cached")
    state, page = cache_state(client, PROVISION)
    assert state == "miss" and "Energy efficiency of key equipment, as cached" in page
    state, page = cache_state(client, DOCUMENT)
    assert state == "miss" and "Energy efficiency of key equipment, as cached" in page
    assert cache_state(client, unrelated)[0] == "hit"


def test_the_page_changes_when_the_save_commits(client, provision, django_capture_on_commit_callbacks):
    cache_state(client, PROVISION)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edit(provision, heading_en="Saved, not yet committed")
    # Until the commit, readers are served the page of the committed rows…
    state, page = cache_state(client, PROVISION)
    assert state == "hit" and "Saved, not yet committed" not in page
    for callback in callbacks:
        callback()
    # …and from the commit on, the new one.
    state, page = cache_state(client, PROVISION)
    assert state == "miss" and "Saved, not yet committed" in page


def test_a_page_for_another_day_is_cached_apart(client):
    assert cache_state(client, PROVISION, on="2023-01-01")[0] == "miss"
    assert cache_state(client, PROVISION)[0] == "miss"
    assert cache_state(client, PROVISION, on="2023-01-01")[0] == "hit"


def test_a_query_the_page_key_does_not_know_is_not_cached(client):
    response = client.get(PROVISION, {"utm": "x"})
    assert response.status_code == 200 and "X-Page-Cache" not in response


def test_a_refused_date_is_never_cached(client):
    assert client.get(PROVISION, {"on": "tomorrow"}).status_code == 400
    assert "X-Page-Cache" not in client.get(PROVISION, {"on": "tomorrow"})


def test_signed_in_readers_are_never_served_nor_stored(client, committed, django_user_model, provision):
    cache_state(client, PROVISION)
    committed(edit, provision, publication=Publication.DRAFT, heading_en="A draft heading only editors see")
    client.force_login(django_user_model.objects.create_superuser("reader", "reader@example.com", "pw"))
    response = client.get(PROVISION)
    assert "X-Page-Cache" not in response
    client.logout()
    assert "A draft heading only editors see" not in client.get(PROVISION).content.decode()


def test_an_industry_page_follows_a_change_of_the_rules_it_lists(client, committed, provision):
    steel = Industry.objects.get(slug="steel")
    other = Industry.objects.exclude(pk=steel.pk).exclude(provisions=provision).first()
    cache_state(client, "/industries/steel/")
    cache_state(client, f"/industries/{other.slug}/")
    committed(provision.industries.remove, steel)
    assert cache_state(client, "/industries/steel/")[0] == "miss"
    assert cache_state(client, f"/industries/{other.slug}/")[0] == "hit"


def test_the_targets_page_follows_an_edited_target(client, committed):
    target = Target.objects.order_by("pk").first()
    cache_state(client, "/targets/")
    committed(edit, target, metric="share of energy from sources other than fossil fuels, as edited")
    state, page = cache_state(client, "/targets/")
    assert state == "miss" and "as edited" in page


def test_a_bulk_load_renders_every_page_afresh(client, django_capture_on_commit_callbacks):
    cache_state(client, PROVISION)
    with django_capture_on_commit_callbacks(execute=True), page_cache.paused():
        pass
    assert cache_state(client, PROVISION)[0] == "miss"


def test_a_renamed_document_title_shows_on_the_pages_of_documents_related_to_it(client, committed, plan):
    from regulations.models import Relation

    relation = Relation.objects.filter(target_document=plan).exclude(source_document=plan).first()
    other = f"/documents/{relation.source_document.slug}/"
    cache_state(client, other)
    committed(edit, plan, title_en="Industrial Carbon Peaking Plan, as renamed")
    assert cache_state(client, other)[0] == "miss"


def test_a_cache_that_does_not_answer_costs_speed_not_the_page(client, settings):
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    try:
        response = client.get(PROVISION)
    finally:
        cache.close()
    assert response.status_code == 200 and "X-Page-Cache" not in response


def test_an_edit_through_the_api_shows_at_once_to_anonymous_readers(client, committed, django_user_model, provision):
    from rest_framework.test import APIClient

    editor = APIClient()
    editor.force_authenticate(django_user_model.objects.create_superuser("api-editor", "api@example.com", "pw"))
    assert cache_state(client, PROVISION)[0] == "miss"
    address = f"/api/documents/{provision.document.slug}/provisions/{provision.eid}/"
    answer = committed(editor.patch, address, {"text": "Saved through the API: zyzzyva."}, format="json")
    assert answer.status_code == 200, answer.content
    state, page = cache_state(client, PROVISION)
    assert state == "miss" and "Saved through the API: zyzzyva." in page


def test_a_save_of_several_rows_replaces_the_generations_in_one_write(provision, committed):
    def save_provision_and_its_target():
        with transaction.atomic():
            edit(provision, text="Reworded.")
            target = Target.objects.filter(provision=provision).first() or Target.objects.first()
            edit(target, description="Reworded too.")

    with CaptureQueriesContext(connection) as queries:
        committed(save_provision_and_its_target)
    writes = [
        query["sql"] for query in queries if "regulations_pagegeneration" in query["sql"] and "INSERT" in query["sql"]
    ]
    assert len(writes) == 1, writes
    assert page_cache.TARGETS in writes[0] and "document:industrial-carbon-peaking-2022" in writes[0]
