"""Answers before lists, on the real corpus: shorthand references, document numbers, alternative titles
(best bets), glossary definitions above the hits, typo correction, search within one document."""

import pytest
from django.urls import reverse

from search.query.references import Reference, chinese_number, provision_numbers, typed_references
from search.service import search

PLAN = "industrial-carbon-peaking-2022"


def first(query, backend, **kwargs):
    hit = search(query, backend=backend, **kwargs).hits[0]
    return hit.document_slug, hit.eid, hit.pinned


@pytest.mark.parametrize(
    ("query", "slug", "eid"),
    [
        ("2.7.2", PLAN, "part_2__sec_7__item_2"),
        ("（七）2", PLAN, "part_2__sec_7__item_2"),
        ("七.2", PLAN, "part_2__sec_7__item_2"),
        ("item 2.7.2", PLAN, "part_2__sec_7__item_2"),
        ("section (7) item 2", PLAN, "part_2__sec_7__item_2"),
        ("3.10.1", PLAN, "part_3__sec_10__item_1"),
        ("Art. 66", "cn-solid-waste-law-2020", "chp_5__art_66"),
        ("Article 66", "cn-solid-waste-law-2020", "chp_5__art_66"),
        ("第六十六条", "cn-solid-waste-law-2020", "chp_5__art_66"),
        ("art 66 solid waste law", "cn-solid-waste-law-2020", "chp_5__art_66"),
        ("第十二条", "cn-elv-recycling-measures-2019", "sec_4"),  # "Art. 12-13"
        ("WEEE regulation Art. 7", "cn-weee-regulation", "chp_1__art_7"),
        ("Art. 15 circular economy law", "cn-circular-economy-law", "chp_2__art_15"),
    ],
)
def test_shorthand_references_pin_their_provision_first(any_backend, query, slug, eid):
    assert first(query, any_backend) == (slug, eid, True)


def test_a_reference_is_looked_up_in_the_document_chosen_as_a_filter(any_backend):
    assert first("section 7", any_backend, filters={"document": [PLAN]}) == (PLAN, "part_2__sec_7", True)
    # Alone, "Art. 7" names articles of two documents: both are pinned, the one in force first.
    hits = search("Art. 7", backend=any_backend).hits
    assert {(hit.document_slug, hit.eid) for hit in hits[:2]} == {
        ("cn-weee-regulation", "chp_1__art_7"),
        ("eu-battery-regulation-2023-1542", "art_7"),
    }


def test_the_words_beside_a_reference_still_search(any_backend):
    results = search("art 66 solid waste law", backend=any_backend)
    assert [hit.eid for hit in results.hits[:2]] == ["chp_5__art_66", ""]
    assert results.total > 2


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("industrial carbon peaking program", PLAN),  # press rendering: program for plan
        ("green manufacturing development plan", "cn-industrial-green-development-plan-14fyp"),
        ("battery recycling whitelist", "cn-nev-battery-standard-conditions-2024"),  # whitelist: 规范条件
        ("2019 whitelist conditions", "cn-nev-battery-standard-conditions-2019"),
        ("固废法", "cn-solid-waste-law-2020"),  # a Chinese short name
        ("固体废物污染环境防治法", "cn-solid-waste-law-2020"),  # the title without 中华人民共和国
        ("circular economy law", "cn-circular-economy-law"),
        ("EU battery regulation", "eu-battery-regulation-2023-1542"),
        ("NEV battery recycling interim measures", "cn-nev-battery-recycling-measures-2026"),  # in force first
    ],
)
def test_a_query_naming_a_document_puts_it_first(any_backend, query, slug):
    assert first(query, any_backend) == (slug, "", True)


def test_document_numbers_pin_their_document_and_an_exact_one_redirects(client, backend):
    assert first("工信部联节〔2022〕88号", backend) == (PLAN, "", True)
    response = client.get(reverse("search:results"), {"q": "工信部联节〔2022〕88号"})
    assert (response.status_code, response["Location"]) == (302, f"/documents/{PLAN}/")
    response = client.get(reverse("search:results"), {"q": "工信部联节〔2022〕88号 钢铁"})
    assert response.status_code == 200  # more than the number: a results page


def test_a_glossary_match_is_a_definition_not_a_hit(any_backend):
    results = search("traction battery recycling", backend=any_backend)
    assert "waste traction battery" not in [hit.title for hit in results.hits]
    assert all(hit.kind != "glossary" for hit in results.hits)
    assert results.definitions and results.definitions[0].kind == "glossary"
    # Chosen as a kind, glossary entries are the hits.
    assert search("kind:glossary NEV", backend=any_backend).hits[0].kind == "glossary"


@pytest.mark.parametrize(
    ("typed", "corrected"),
    [
        ("batery recyling", "battery recycling"),
        ("tracability platform", "traceability platform"),
        ("casade utilisation", "cascade utilisation"),
        ("battery pasport", "battery passport"),
    ],
)
def test_typos_are_searched_corrected_in_surface_form(any_backend, typed, corrected):
    results = search(typed, backend=any_backend)
    assert (results.query, results.corrected_from) == (corrected, typed)
    assert results.hits


def test_the_results_page_says_what_it_corrected_and_offers_the_typed_query(client, backend):
    page = client.get(reverse("search:results"), {"q": "batery recyling"}).content.decode()
    assert "Showing results for <strong>battery recycling</strong> — search instead for" in page
    assert "spell=off" in page
    typed = client.get(reverse("search:results"), {"q": "batery recyling", "spell": "off"}).content.decode()
    assert "Showing results for" not in typed and "Did you mean" in typed


def test_search_within_a_document_groups_its_hits_by_outline(client, backend):
    document_page = client.get(f"/documents/{PLAN}/").content.decode()
    assert 'class="document-search"' in document_page and f'name="document" value="{PLAN}"' in document_page
    response = client.get(reverse("search:results"), {"q": "recycling", "document": PLAN})
    page = response.content.decode()
    hits = response.context["results"].hits
    assert hits and {hit.document_slug for hit in hits} == {PLAN}
    parts = [group["part"] for group in response.context["outline"]]
    assert "二、 Key tasks" in parts and len(parts) == len(set(parts))
    assert '<span class="search-hit__num">2.7.2</span>' in page


def test_the_results_page_leads_with_results(client, backend):
    page = client.get(reverse("search:results"), {"q": "battery"}).content.decode()
    assert page.count('type="search"') == 1  # one search box: the header's is left out here
    assert page.index('class="search-hits"') < page.index('class="search-facets"')
    assert '<details class="search-filters"' in page and "<summary>Filter" in page
    assert "More (" in page  # a facet with more values than it shows at first
    assert "<script>" not in page  # no inline script (a CSP is coming)


def test_reference_reading():
    assert chinese_number("六十六") == 66 and chinese_number("十二") == 12 and chinese_number("一百零二") == 102
    assert (
        provision_numbers("（七）") == (7,) and provision_numbers("二、") == (2,) and provision_numbers("专栏4") is None
    )
    assert typed_references("国发〔2021〕23号") == []  # a document number is no outline path
    assert typed_references("2030 carbon peaking") == []
    assert typed_references("2.7.2") == [Reference("path", (2, 7, 2), 0, 5)]
