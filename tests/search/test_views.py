import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RESULT_KEYS = {"kind", "title", "document", "num", "citation", "url", "snippet", "score", "status", "status_label"}


def test_the_search_page_shows_results_facets_and_keeps_the_query(client, backend):
    response = client.get(reverse("search:results"), {"q": "battery passport"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="battery passport"' in page
    assert "Digital battery passport" in page
    assert "<mark>" in page
    # The facet area lists the hits' document by its label (not its slug), with a count.
    facets = page.partition('<aside class="search-facets"')[2].partition("</aside>")[0]
    assert re.search(
        r'<h2>Document</h2>.*EU Batteries Regulation</a> <span class="count">[1-9][0-9]*</span>', facets, re.S
    )


def test_the_empty_search_page_offers_examples(client, backend):
    response = client.get(reverse("search:results"))
    assert response.status_code == 200
    assert "Try one of these" in response.content.decode()


def test_a_hit_says_where_it_matched_a_glossary_synonym_included_in_the_readers_language(client, backend):
    why = r'search-hit__why">(.*?)</p>'
    english = re.findall(why, client.get(reverse("search:results"), {"q": "EPR"}).content.decode())
    assert any("heading" in line and "glossary synonym “extended producer responsibility”" in line for line in english)
    chinese = re.findall(
        why, client.get(reverse("search:results"), {"q": "EPR"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    assert any("标题" in line and "词汇表同义词</span>“extended producer responsibility”" in line for line in chinese)


def test_facet_links_hold_the_whole_state(client, backend):
    response = client.get(reverse("search:results"), {"q": "energy", "industry": "steel"})
    page = response.content.decode()
    assert "industry=steel" in page
    assert response.status_code == 200


def test_the_api_answers_with_exactly_the_documented_keys(client, backend):
    response = client.get("/api/search/", {"q": "EPR", "page": "1"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {
        "query", "total", "page", "results", "facets", "suggestion", "corrected_from", "definitions", "warning",
        "notes", "any_word", "timed_out",
    }  # fmt: skip
    assert data["results"] and all(set(result) == RESULT_KEYS for result in data["results"])
    for values in data["facets"].values():
        assert all(set(value) == {"value", "label", "count"} for value in values)


def test_the_api_says_how_it_read_a_malformed_query_in_codes_and_words(client, backend):
    data = client.get("/api/search/", {"q": 'colour:red "battery'}).json()
    assert {"code": "not_a_filter", "value": "colour", "text": "“colour:” is not a filter; searched it as words"} in (
        data["notes"]
    )
    assert "closed_quote" in {note["code"] for note in data["notes"]}
    # The API answers in English whatever the client's language (one language to parse).
    worded = client.get("/api/search/", {"q": 'colour:red "battery'}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert worded["notes"] == data["notes"]
    assert data["timed_out"] is False


def test_every_note_a_search_can_give_has_its_words():
    from search.notes import NOTE_CODES
    from search.wording import NOTE_WORDS

    assert set(NOTE_WORDS) == set(NOTE_CODES)


def test_the_api_filters_by_facet(client, backend):
    data = client.get("/api/search/", {"q": "energy", "industry": "steel"}).json()
    assert data["total"] > 0
    assert {v["value"] for v in data["facets"]["industry"]} >= {"steel"}


def test_the_api_rejects_a_bad_page_with_a_message(client, backend):
    response = client.get("/api/search/", {"q": "EPR", "page": "two"})
    assert response.status_code == 400
    assert "page" in response.json()["error"]
    assert client.get("/api/search/", {"q": "EPR", "page": "0"}).status_code == 400


def test_autocomplete(client, backend):
    data = client.get(reverse("search:autocomplete"), {"q": "trac"}).json()
    assert any("traction battery" == s["label"] for s in data["suggestions"])


def test_the_ranking_settings_take_effect_without_a_reindex(backend):
    from search.models import RankingSettings, _cache
    from search.service import search

    RankingSettings.objects.create(page_size=5)
    _cache.clear()
    assert len(search("battery", backend=backend).hits) == 5
    _cache.clear()


def test_no_pending_migrations(db):
    call_command("makemigrations", "search", "--check", "--dry-run", verbosity=0)


hostile = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from(list('"()-*:|〔〕“” OR\x00\x1b')), max_size=300
) | st.sampled_from(['"', "-", "OR", "industry:", "x" * 5000, "year:abc", "kind:??", "88号"])


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=hostile, page=st.sampled_from(["1", "2", "-1", "abc", "", "99999", "1.5"]), facet=hostile)
def test_the_api_never_answers_500(client, backend, q, page, facet):
    response = client.get("/api/search/", {"q": q, "page": page, "industry": facet, "year": facet})
    assert response.status_code in (200, 400)
    json.loads(response.content)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=hostile)
def test_the_search_page_never_answers_500(client, backend, q):
    assert client.get(reverse("search:results"), {"q": q, "kind": q}).status_code in (200, 400)


def test_the_search_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/search/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {"q", "page", "kind", "industry", "document", "topic", "status", "jurisdiction", "year"}
    assert set(operation["responses"]) >= {"200", "400", "503"}
    results = schema["components"]["schemas"]["SearchResults"]
    assert set(results["properties"]["facets"]["properties"]) == {
        "kind", "industry", "document", "topic", "status", "jurisdiction", "year",
    }  # fmt: skip
    assert "get" in schema["paths"]["/api/search/autocomplete/"]
