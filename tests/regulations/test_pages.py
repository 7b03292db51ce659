"""The server-rendered browse pages, against the real corpus (loaded once by tests/conftest.py)."""

import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import include, path

from regulations.models import Document, GlossaryTerm, Industry, Provision, Relation, Target
from regulations.text.rendering import render_markdown

pytestmark = pytest.mark.django_db

PLAN = "/documents/industrial-carbon-peaking-2022/"
EPR_ITEM = PLAN + "part_2__sec_7__item_2/"
LEGEND = "Rests on a single source — not independently confirmed"

# A URL configuration without the search app, to check the search box's fallback.
urlpatterns = [path("", include("regulations.site.urls"))]


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return response.content.decode()


def count_rows(html):
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


# -- home ----------------------------------------------------------------------------------


def test_home_page_features_the_plan_with_its_headline_targets(client):
    html = page(client, "/")
    assert "Implementation Plan for Carbon Peaking in the Industrial Sector" in html
    assert "13.5% reduction" in html
    assert "peak before 2030" in html
    assert 'lang="zh">工业领域碳达峰实施方案' in html


def test_home_page_counts_what_the_knowledge_base_holds(client):
    html = page(client, "/")
    for label, count in [
        ("Documents", Document.objects.count()),
        ("Targets", Target.objects.count()),
        ("Glossary terms", GlossaryTerm.objects.count()),
    ]:
        assert re.search(rf"<dt>{label}</dt><dd>(<a [^>]+>)?{count}<", html), label


def test_home_page_links_to_every_section_of_the_site(client):
    html = page(client, "/")
    for url in ["/documents/", "/industries/", "/targets/", "/glossary/", "/documents/?topic=epr", PLAN]:
        assert f'href="{url}"' in html


# -- document list ---------------------------------------------------------------------------


def test_document_list_shows_titles_numbers_issuers_and_status_of_every_document(client):
    html = page(client, "/documents/")
    for document in Document.objects.all():
        assert f'href="{document.get_absolute_url()}"' in html
    assert "Implementation Plan for Carbon Peaking in the Industrial Sector" in html
    assert "工信部联节〔2022〕88号" in html
    assert "<abbr" in html and ">MIIT</abbr>" in html
    assert re.search(r'class="badge badge--status badge--superseded" title="Superseded by [^"]+">Superseded<', html)


def test_document_list_filters_by_topic_status_and_jurisdiction_together(client):
    html = page(client, "/documents/?topic=epr&status=in_force&jurisdiction=CN")
    wanted = [d for d in Document.objects.filter(topics__slug="epr", jurisdiction="CN") if d.status == "in_force"]
    assert wanted
    for document in Document.objects.all():
        shown = f'<a href="{document.get_absolute_url()}">' in html
        assert shown == (document in wanted), document.slug
    assert f"{len(wanted)} of {Document.objects.count()} documents" in html


def test_document_list_facets_show_counts_and_links_that_keep_other_filters(client):
    html = page(client, "/documents/?jurisdiction=CN")
    in_force_cn = len([d for d in Document.objects.filter(jurisdiction="CN") if d.status == "in_force"])
    assert re.search(rf'href="/documents/\?status=in_force&amp;jurisdiction=CN"[^>]*>In force</a>\s*'
                     rf'<span class="count"[^>]*>{in_force_cn}<', html)  # fmt: skip


def test_document_list_ignores_unknown_filter_values_with_a_visible_note(client):
    html = page(client, "/documents/?topic=no-such-topic&status=valid&jurisdiction=CN")
    assert "Ignored topic “no-such-topic”" in html
    assert "Ignored status “valid”" in html
    assert f"{Document.objects.filter(jurisdiction='CN').count()} of" in html


# -- document page ---------------------------------------------------------------------------


def test_plan_page_shows_its_metadata_number_dates_and_issuers(client):
    html = page(client, PLAN)
    assert "工信部联节〔2022〕88号" in html
    assert "Notice of MIIT, NDRC and MEE on issuing" in html
    assert '<time datetime="2022-07-07">7 July 2022</time>' in html
    assert "departmental normative document" in html
    assert "Ministry of Ecology and Environment" in html
    assert "http://testserver/documents/industrial-carbon-peaking-2022/" in html  # permanent address


def test_plan_page_shows_the_headline_targets_in_the_full_text(client):
    html = page(client, PLAN)
    assert "13.5% reduction" in html
    assert "peak before 2030" in html
    assert (
        html.count('<table class="targets">')
        == Provision.objects.filter(document__slug="industrial-carbon-peaking-2022", targets__isnull=False)
        .distinct()
        .count()
    )


def test_plan_page_has_an_anchor_and_a_table_of_contents_entry_for_every_provision(client, plan):
    html = page(client, PLAN)
    for provision in plan.provisions.all():
        assert f'<section id="{provision.eid}"' in html
        assert f'<a href="#{provision.eid}">' in html
        assert f'href="{provision.get_absolute_url()}"' in html


def test_document_pages_show_relation_verbs_from_each_side(client):
    plan_html = page(client, PLAN)
    action_plan_html = page(client, "/documents/cn-2030-action-plan/")
    assert '<span class="relation__verb">implements</span>' in plan_html
    assert '<span class="relation__verb">is implemented by</span>' in action_plan_html
    assert "The industrial plan names the Action Plan as a basis in its preamble." in action_plan_html
    assert "Asserted by Rulebook research" in action_plan_html


def test_document_pages_show_supersession_in_both_directions(client):
    old = Document.objects.get(slug="cn-nev-battery-standard-conditions-2019")
    new = old.superseded_by
    assert new is not None
    assert f'Replaced by <a href="{new.get_absolute_url()}">' in page(client, old.get_absolute_url())
    assert f'Replaces <a href="{old.get_absolute_url()}">' in page(client, new.get_absolute_url())


def test_document_details_are_shown_as_definition_lists_with_links_to_known_documents(client):
    html = page(client, PLAN)
    assert "<dt>Legal basis</dt>" in html
    assert "<dt>Implementing documents</dt>" in html
    assert '<a href="/documents/cn-dual-carbon-opinions-2021/">' in html
    assert "碳达峰碳中和工作领导小组" in html


def test_unverified_facts_carry_a_dagger_with_a_note_and_the_page_explains_it_once(client):
    html = page(client, PLAN)
    unverified = Provision.objects.filter(document__slug="industrial-carbon-peaking-2022", verified=False).count()
    assert unverified
    assert html.count('class="dagger"') >= unverified
    assert html.count('id="unverified-legend"') == 1
    assert LEGEND in html
    assert '<details class="research-note"><summary>Research note</summary>' in html


def test_unverified_document_dates_and_numbers_are_marked(client):
    document = Document.objects.filter(events__verified=False).first()
    html = page(client, document.get_absolute_url())
    assert re.search(r'</time>\s*(<span class="precision">[^<]*</span>)?\s*<a class="dagger"', html)


def test_pages_without_unverified_facts_have_no_legend(client):
    assert 'id="unverified-legend"' not in page(client, "/glossary/")


def test_chinese_text_is_marked_with_its_language(client):
    html = page(client, PLAN)
    assert '<span class="title-zh" lang="zh">工业领域碳达峰实施方案</span>' in html
    assert '(<span lang="zh">部门规范性文件</span>)' in html


# -- provision page --------------------------------------------------------------------------


def test_provision_page_shows_breadcrumb_heading_and_text(client):
    html = page(client, EPR_ITEM)
    provision = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    assert '<nav class="breadcrumb wrap" aria-label="Breadcrumb">' in html
    assert f'<a href="{PLAN}">Industrial Carbon Peaking Plan</a>' in html
    assert f'<a href="{provision.parent.get_absolute_url()}">' in html
    assert provision.heading_en in html
    assert provision.heading_zh in html


def test_provision_page_shows_related_rules_in_both_directions_and_the_whole_document_links(client):
    html = page(client, EPR_ITEM)
    assert '<span class="relation__verb">implements</span>' in html
    assert 'href="/documents/cn-epr-implementation-plan-2016/"' in html
    assert "Related to the whole document" in html
    incoming = Relation.objects.filter(target_provision__isnull=False).select_related("target_provision__document")
    relation = incoming.first()
    target_html = page(client, relation.target_provision.get_absolute_url())
    assert f'<span class="relation__verb">{relation.type.reverse_verb}</span>' in target_html


def test_provision_page_links_to_previous_and_next_provisions_in_document_order(client, plan):
    provisions = list(plan.provisions.order_by("position"))
    middle = provisions[5]
    html = page(client, middle.get_absolute_url())
    assert f'rel="prev" href="{provisions[4].get_absolute_url()}"' in html
    assert f'rel="next" href="{provisions[6].get_absolute_url()}"' in html
    first_html = page(client, provisions[0].get_absolute_url())
    assert 'class="pager__prev"' not in first_html


def test_provision_page_shows_targets_children_and_glossary_terms(client):
    html = page(client, PLAN + "part_1__sec_3/")
    assert "13.5% reduction" in html
    assert 'href="/glossary/#carbon-peaking"' in html
    parent_html = page(client, PLAN + "part_2__sec_7/")
    assert "Parts of this provision" in parent_html
    assert f'href="{EPR_ITEM}"' in parent_html


def test_provision_page_shows_industries_agencies_and_key_terms(client):
    html = page(client, PLAN + "part_2__sec_4__item_1/")
    assert 'href="/industries/steel/"' in html
    assert '<abbr title="' in html and ">NDRC</abbr>" in html
    assert '<span lang="zh">产业转移</span>' in html


# -- not found ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/documents/no-such-document/",
        PLAN + "part_99/",
        PLAN + "part_2__sec_7__item_99/",
        "/industries/no-such-industry/",
        "/no/such/page/",
    ],
)
def test_unknown_addresses_get_the_helpful_not_found_page(client, url):
    html = page(client, url, status=404)
    assert "Page not found" in html
    assert 'href="/documents/"' in html
    assert 'href="/"' in html


def test_not_found_page_says_which_provision_is_missing(client):
    html = page(client, PLAN + "part_99/", status=404)
    assert "has no provision “part_99”" in html


def test_search_box_appears_on_every_page_when_the_search_app_is_installed(client):
    from django.urls import NoReverseMatch, reverse

    try:
        action = reverse("search:results")
    except NoReverseMatch:
        pytest.skip("the search app is not installed yet")
    html = page(client, "/")
    assert f'<form class="search-box" role="search" aria-label="Site search" action="{action}" method="get">' in html
    assert 'name="q"' in html


def test_search_box_is_left_out_while_the_search_url_cannot_be_reversed(client, settings):
    settings.ROOT_URLCONF = __name__
    html = page(client, "/glossary/")
    assert 'role="search"' not in html
    assert "Glossary" in html


# -- industries ----------------------------------------------------------------------------------


def test_industry_list_shows_the_tree_with_classification_codes(client):
    html = page(client, "/industries/")
    for industry in Industry.objects.all():
        assert f'href="{industry.get_absolute_url()}"' in html
    assert "GB/T 4754-2017" in html and "ISIC Rev.4" in html
    assert '311 <span lang="zh">炼铁</span>' in html
    assert '<tr class="depth-1">' in html


def test_industry_page_includes_provisions_of_descendant_industries(client):
    cement = Industry.objects.get(slug="cement")
    assert cement.parent.slug == "building-materials"
    html = page(client, "/industries/building-materials/")
    for provision in cement.provisions.select_related("document"):
        assert f'href="{provision.get_absolute_url()}"' in html
    assert "Related rules" in html or not Relation.objects.filter(source_provision__industries=cement).exists()


def test_industry_page_groups_provisions_by_document_and_kind(client):
    html = page(client, "/industries/steel/")
    assert '<h3 id="doc-industrial-carbon-peaking-2022">' in html
    assert '<h4 class="minor-heading">Industry action</h4>' in html


# -- targets ---------------------------------------------------------------------------------------


def test_targets_page_lists_every_target_with_its_source_provision(client):
    html = page(client, "/targets/")
    assert count_rows(html) == Target.objects.count()
    assert "13.5% reduction" in html
    assert "peak before 2030" in html
    assert f'href="{EPR_ITEM}"' in html or f'href="{PLAN}part_1__sec_3/"' in html


def test_targets_page_draws_an_accessible_timeline_without_javascript(client):
    html = page(client, "/targets/")
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "<title" in svg and "<desc" in svg
    assert svg.count("<circle") == Target.objects.count()
    assert ">2030</text>" in svg


def test_targets_can_be_sorted_by_a_whitelisted_column(client):
    html = page(client, "/targets/?sort=target_year")
    years = [
        int(y)
        for y in re.findall(r'<td class="num" data-label="By">(\d{4}|—)</td>\s*<td class="targets__value"', html)
        if y != "—"
    ]
    assert years == sorted(years) and years
    assert 'aria-sort="ascending"' in html
    html = page(client, "/targets/?sort=-target_year")
    years = [
        int(y) for y in re.findall(r'<td class="num" data-label="By">(\d{4})</td>\s*<td class="targets__value"', html)
    ]
    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize("sort", ["provision__document__id", "id", "-pk", "value;drop", "metric,scope"])
def test_targets_ignore_sorting_outside_the_whitelist(client, sort):
    html = page(client, f"/targets/?sort={sort}")
    assert "Ignored sort" in html
    assert count_rows(html) == Target.objects.count()


def test_targets_filter_by_industry_includes_descendant_industries(client):
    html = page(client, "/targets/?industry=building-materials")
    expected = Target.objects.filter(
        provision__industries__in=Industry.objects.filter(
            slug__in=["building-materials", "cement", "flat-glass", "ceramics"]
        )
    ).distinct()
    assert count_rows(html) == expected.count() > 0


def test_targets_filter_by_document(client):
    html = page(client, "/targets/?document=industrial-carbon-peaking-2022")
    assert count_rows(html) == Target.objects.filter(provision__document__slug="industrial-carbon-peaking-2022").count()


# -- glossary ----------------------------------------------------------------------------------------


def test_glossary_has_an_anchor_per_term_with_both_languages_and_links_to_provisions(client):
    html = page(client, "/glossary/")
    for term in GlossaryTerm.objects.all():
        assert f'<section id="{term.slug}"' in html
    assert '<span class="title-zh" lang="zh">碳达峰</span>' in html
    assert f'href="{PLAN}part_1__sec_3/"' in html


# -- robustness and cost -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/documents/?topic=%00",
        "/documents/?status=" + "x" * 5000,
        "/documents/?topic=epr&topic=nope",
        "/documents/?jurisdiction[]=CN",
        "/targets/?sort=",
        "/targets/?sort=-",
        "/targets/?industry=../../etc&document=%F0%9F%92%A5",
        "/targets/?sort=value&industry=steel&document=industrial-carbon-peaking-2022",
        "/glossary/?q=<script>",
        "/?page=-1",
    ],
)
def test_odd_query_parameters_never_cause_a_server_error(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"<script>" not in response.content.replace(b'<script src="', b"")


@pytest.mark.parametrize(
    ("url", "bound"),
    [
        ("/", 15),
        ("/documents/", 6),
        ("/documents/?topic=epr&status=in_force", 6),
        (PLAN, 15),
        ("/documents/eu-battery-regulation-2023-1542/", 15),
        (EPR_ITEM, 16),
        ("/industries/", 1),
        ("/industries/building-materials/", 9),
        ("/targets/", 4),
        ("/targets/?industry=steel&sort=-value", 4),
        ("/glossary/", 2),
        # Not found: the document, then its former names in the history.
        ("/documents/no-such-document/", 3),
    ],
)
def test_each_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, url, bound):
    with django_assert_max_num_queries(bound):
        client.get(url)


def test_a_crawl_from_home_reaches_every_document_and_provision_without_server_errors(client):
    """Follow every internal link from /. Query-string variants count once per set of parameter names."""
    expected = {document.get_absolute_url() for document in Document.objects.all()}
    expected |= {provision.get_absolute_url() for provision in Provision.objects.select_related("document")}
    seen_keys, visited = set(), set()
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        assert response.status_code in (200, 404), (url, response.status_code)
        visited.add(urlsplit(url).path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"]+)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
                continue
            key = (parts.path, tuple(sorted({name for name, _ in parse_qsl(parts.query)})))
            if key not in seen_keys:
                seen_keys.add(key)
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    missing = expected - visited
    assert not missing, sorted(missing)[:10]


# -- Markdown ----------------------------------------------------------------------------------------------


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown(
        "**Bold** [site](https://example.org) [page](/documents/) [bad](javascript:alert(1)) "
        '<script>alert(1)</script> <a href="https://x.test" onclick="y">raw</a>\n\n| a |\n|---|\n| 1 |'
    )
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>' in html
    assert '<a href="/documents/">page</a>' in html
    assert "javascript:" not in html
    assert "<script" not in html and "&lt;script&gt;" in html  # raw HTML is shown as text
    assert not re.search(r"<a [^>]*onclick", html)
    assert "<table>" in html
    assert render_markdown("") == ""
