"""History, redlines, the text as of a date, and old addresses that move (301) or are removed (410)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regulations.models import Document, Provision, Publication
from tests.helpers import edit

PLAN = "industrial-carbon-peaking-2022"


@pytest.fixture
def provision(plan):
    return plan.provisions.exclude(text="").order_by("position")[3]


def test_the_corpus_versions_date_from_the_documents_issue(plan, provision):
    first = provision.history.order_by("history_date").first()
    assert first.history_type == "+"
    assert timezone.localdate(first.history_date) == datetime.date(2022, 7, 7)
    assert "industrial-carbon-peaking-2022.yaml" in first.history_change_reason
    assert plan.history.count() == 1


def test_reloading_an_unchanged_corpus_records_no_new_version(db, settings, plan):
    from regulations.corpus.loader import load_corpus

    before = Provision.history.count()
    load_corpus(settings.CORPUS_DIR)
    assert Provision.history.count() == before


def test_history_page_lists_versions_and_compares_any_two(client, provision):
    old_text = provision.text
    edit(provision, "Amended by notice", text=old_text.replace("the", "THE-NEW", 1) + " Added sentence.")
    response = client.get(f"/documents/{PLAN}/{provision.eid}/history/")
    assert response.status_code == 200
    versions = list(provision.history.order_by("history_date", "history_id"))
    assert len(versions) == 2
    body = response.content.decode()
    assert "Amended by notice" in body and "Changed: text" in body
    assert 'name="from" value="1"' in body and 'name="to" value="2"' in body
    compare = client.get(f"/documents/{PLAN}/{provision.eid}/compare/?from=1&to=2")
    assert compare.status_code == 200
    html = compare.content.decode()
    assert '<ins class="redline-ins">THE-NEW</ins>' in html
    assert '<del class="redline-del">the</del>' in html
    assert "Added sentence</ins>" in html


def test_chinese_headings_are_compared_character_by_character(client, provision):
    old = provision.heading_zh
    assert old
    edit(provision, heading_zh=old[:-1] + "甲")
    html = client.get(f"/documents/{PLAN}/{provision.eid}/compare/", {"from": 1, "to": 2}).content.decode()
    assert f'<del class="redline-del">{old[-1]}</del><ins class="redline-ins">甲</ins>' in html


def test_compare_refuses_versions_the_provision_does_not_have_with_a_message(client, provision):
    for wrong in ({"from": 1, "to": 7}, {"from": 0, "to": 1}, {"from": "x", "to": 1}, {"from": 1}):
        response = client.get(f"/documents/{PLAN}/{provision.eid}/compare/", wrong)
        assert response.status_code == 400, wrong
        assert "version" in response.content.decode() and "history page lists them" in response.content.decode()


def test_version_numbers_count_drafts_so_a_readers_numbers_never_shift(client, admin_client, provision):
    edit(provision, "A draft", text="Draft wording.", publication="draft")
    edit(provision, "Published again", text="Published wording.", publication="published")
    public = client.get(f"/documents/{PLAN}/{provision.eid}/history/").content.decode()
    assert 'name="to" value="3"' in public and 'name="to" value="2"' not in public
    assert client.get(f"/documents/{PLAN}/{provision.eid}/compare/?from=1&to=3").status_code == 200
    assert client.get(f"/documents/{PLAN}/{provision.eid}/compare/?from=1&to=2").status_code == 400
    signed_in = admin_client.get(f"/documents/{PLAN}/{provision.eid}/history/").content.decode()
    assert 'name="to" value="2"' in signed_in


def test_as_of_shows_the_old_text_and_says_it_changed_since(client, provision):
    old_text = provision.text
    edit(provision, text="Completely rewritten text for the test.")
    for url in (
        f"/documents/{PLAN}/{provision.eid}/@2024-01-31/",
        f"/documents/{PLAN}/{provision.eid}/?as_of=2024-01-31",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert old_text[:40] in body.replace("&#x27;", "'")
        assert "Completely rewritten" not in body
        assert "Rulebook has revised its text since" in body
        assert "What Rulebook revised (redline)" in body
    today = timezone.localdate().isoformat()
    body = client.get(f"/documents/{PLAN}/{provision.eid}/@{today}/").content.decode()
    assert "Completely rewritten" in body and "Rulebook's text has not been revised since" in body


def test_a_date_before_the_provision_existed_says_so(client, provision):
    response = client.get(f"/documents/{PLAN}/{provision.eid}/@2021-01-01/")
    assert response.status_code == 404
    assert "did not exist on 1 January 2021" in response.content.decode()
    assert "7 July 2022" in response.content.decode()


@pytest.mark.parametrize("day", ["2024-02-30", "2999-01-01"])
def test_impossible_or_future_dates_get_a_clear_400(client, provision, day):
    response = client.get(f"/documents/{PLAN}/{provision.eid}/@{day}/")
    assert response.status_code == 400
    assert "date" in response.content.decode()
    assert client.get(f"/documents/{PLAN}/?as_of=yesterday").status_code == 400


def test_document_as_of_a_date_shows_the_whole_text_then(client, plan, provision):
    old_heading = provision.heading_en
    edit(provision, heading_en="A heading written later")
    body = client.get(f"/documents/{PLAN}/@2023-06-01/").content.decode()
    assert old_heading in body and "A heading written later" not in body
    assert "Rulebook has revised its text since (1 revision" in body
    compare = client.get(f"/documents/{PLAN}/compare/", {"from": "2023-06-01", "to": timezone.localdate().isoformat()})
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "written later</ins>" in html
    assert f"{plan.provisions.count() - 1} other provisions did not change" in html


def test_document_history_lists_changes_to_its_provisions(client, plan, provision):
    edit(provision, "Renumbered for the test", num="(99)")
    body = client.get(f"/documents/{PLAN}/history/").content.decode()
    assert "Renumbered for the test" in body
    assert "changed: number" in body


def test_renumbered_provision_answers_301_from_its_old_address(client, provision):
    old_eid = provision.eid
    new_eid = old_eid + "__renumbered"
    while "__" in new_eid and Provision.objects.filter(document=provision.document, eid=new_eid).exists():
        new_eid += "x"
    provision.children.all().delete()
    edit(provision, eid=f"{old_eid.rsplit('__', 1)[0]}__sec_77" if "__" in old_eid else "sec_77")
    for suffix in ("", "@2024-01-31/", "history/"):
        response = client.get(f"/documents/{PLAN}/{old_eid}/{suffix}")
        assert response.status_code == 301, suffix
        assert response["Location"] == f"/documents/{PLAN}/{provision.eid}/{suffix}"
    assert client.get(f"/documents/{PLAN}/{old_eid}/", follow=True).status_code == 200


def test_document_slug_change_keeps_every_old_address_working(client, plan, provision):
    edit(plan, slug="industrial-carbon-peaking-plan")
    response = client.get(f"/documents/{PLAN}/")
    assert response.status_code == 301 and response["Location"] == "/documents/industrial-carbon-peaking-plan/"
    response = client.get(f"/documents/{PLAN}/{provision.eid}/?as_of=2024-01-31")
    assert response.status_code == 301
    assert response["Location"] == f"/documents/industrial-carbon-peaking-plan/{provision.eid}/?as_of=2024-01-31"
    response = client.get(f"/documents/{PLAN}/export.json")
    assert response.status_code == 301
    assert response["Location"] == "/documents/industrial-carbon-peaking-plan/export.json"


def test_removed_provision_answers_410_with_its_last_text(client, plan):
    leaf = plan.provisions.filter(children__isnull=True).exclude(text="").order_by("-position").first()
    leaf._change_reason = "Repealed by the 2026 revision"
    text, eid = leaf.text, leaf.eid
    leaf.delete()
    response = client.get(f"/documents/{PLAN}/{eid}/")
    assert response.status_code == 410
    body = response.content.decode().replace("&#x27;", "'")
    assert "has been removed from Rulebook" in body
    assert "Repealed by the 2026 revision" in body
    assert text[:40] in body


def test_never_existing_address_is_still_a_404(client, plan):
    assert client.get(f"/documents/{PLAN}/part_9__sec_99/").status_code == 404
    assert client.get("/documents/no-such-document/").status_code == 404


def test_drafts_are_hidden_from_history_and_pinned_views_for_anonymous_readers(client, provision):
    edit(provision, text="SECRETDRAFTWORDING in progress.", publication=Publication.DRAFT)
    assert client.get(f"/documents/{PLAN}/{provision.eid}/history/").status_code == 404
    body = client.get(f"/documents/{PLAN}/history/").content.decode()
    assert "SECRETDRAFTWORDING" not in body
    today = timezone.localdate().isoformat()
    assert "SECRETDRAFTWORDING" not in client.get(f"/documents/{PLAN}/@{today}/").content.decode()
    staff = User.objects.create_user("reader", password="pw")
    staff.groups.add(Group.objects.get(name="Compliance staff"))
    client.force_login(staff)
    assert "SECRETDRAFTWORDING" in client.get(f"/documents/{PLAN}/{provision.eid}/@{today}/").content.decode()


def test_history_pages_stay_within_a_query_budget(client, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(f"/documents/{PLAN}/history/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/documents/{PLAN}/@2024-01-31/").status_code == 200


def test_documents_moved_and_then_removed_answer_410(client, db):
    document = Document.objects.get(slug="eu-battery-regulation-2023-1542")
    document._change_reason = "Out of scope"
    document.delete()
    response = client.get("/documents/eu-battery-regulation-2023-1542/")
    assert response.status_code == 410
    assert "Out of scope" in response.content.decode()


def test_a_removed_draft_stays_unknown_to_anonymous_readers(client, plan):
    leaf = plan.provisions.filter(children__isnull=True).exclude(text="").order_by("-position").first()
    leaf.text, leaf.publication = "DRAFTWORDINGNEVERPUBLISHED", Publication.DRAFT
    leaf.save()
    eid = leaf.eid
    leaf.delete()
    response = client.get(f"/documents/{PLAN}/{eid}/")
    assert response.status_code == 404
    assert "DRAFTWORDINGNEVERPUBLISHED" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"/documents/{PLAN}/@0001-01-01/",
        f"/documents/{PLAN}/part_1__sec_3/@0001-01-01/",
        f"/documents/{PLAN}/?as_of=0001-01-01",
        f"/documents/{PLAN}/compare/?from=0001-01-01&to=2024-01-01",
        f"/documents/{PLAN}/compare/?from=0001-01-01T00:00:00&to=9999-12-31T23:59:59",
        f"/documents/{PLAN}/compare/?from=2024-01-01T00:00:00%2B14:00&to=x",
        f"/documents/{PLAN}/part_1__sec_3/compare/?from=99999999999999999999&to=1",
        "/changes/?before=0001-01-01",
        "/changes/feed/?before=0001-01-01",
        "/api/changes/?before=0001-01-01",
        "/api/changes/?since=9999-12-31",
        "/changes/?before=9999-12-31T23:59:59.999999",
        f"/links/check/?text=/documents/{PLAN}/@0001-01-01/",
    ],
)
def test_dates_and_versions_at_the_edges_of_time_never_cause_a_server_error(client, db, url):
    assert client.get(url).status_code < 500


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=60))
def test_any_text_as_a_date_or_version_gets_an_answer_not_a_server_error(client, db, value):
    for url, params in (
        (f"/documents/{PLAN}/", {"as_of": value}),
        (f"/documents/{PLAN}/compare/", {"from": value, "to": value}),
        (f"/documents/{PLAN}/part_1__sec_3/compare/", {"from": value, "to": "1"}),
        ("/changes/", {"before": value}),
        ("/api/changes/", {"since": value}),
    ):
        assert client.get(url, params).status_code < 500, (url, value)


def test_a_provisions_industries_are_part_of_each_version(client, db):
    from rest_framework.test import APIClient

    provision = Provision.objects.filter(industries__isnull=False).select_related("document").first()
    first = provision.history.get()
    assert {row.industry_id for row in first.historicalprovision_industries_set.all()} == set(
        provision.industries.values_list("pk", flat=True)
    )
    editor = User.objects.create_user("editor")
    editor.groups.add(Group.objects.get(name="Consultant"))
    api = APIClient()
    api.force_authenticate(editor)
    url = f"/api/documents/{provision.document.slug}/provisions/{provision.eid}/"
    response = api.patch(url, {"industries": ["steel"], "heading_en": "Now for steel"}, format="json")
    assert response.status_code == 200, response.content
    # One edit, one version, holding the new heading and the new links together.
    latest, earlier = provision.history.order_by("-history_id")[:2]
    assert earlier.history_id == first.history_id
    assert [row.industry.slug for row in latest.historicalprovision_industries_set.all()] == ["steel"]
    body = client.get(f"/documents/{provision.document.slug}/{provision.eid}/history/").content.decode()
    assert "Changed: English heading, industries" in body
    changes = client.get("/changes/").content.decode()
    assert "Industries" in changes


def test_a_pinned_page_says_nothing_of_versions_recorded_as_drafts(client, provision):
    original = provision.text
    edit(provision, text="Wording tried out in a draft.", publication=Publication.DRAFT)
    edit(provision, text=original, publication=Publication.PUBLISHED)
    body = client.get(f"/documents/{PLAN}/{provision.eid}/@2024-01-31/").content.decode()
    assert "Rulebook's text has not been revised since" in body
    staff = User.objects.create_user("insider")
    staff.groups.add(Group.objects.get(name="Compliance staff"))
    client.force_login(staff)
    assert (
        "Rulebook has revised its text since"
        in client.get(f"/documents/{PLAN}/{provision.eid}/@2024-01-31/").content.decode()
    )


def test_the_history_and_compare_breadcrumbs_show_the_levels_the_provision_page_shows(client, db):
    item = f"/documents/{PLAN}/part_2__sec_7__item_2/"

    def crumbs(url):
        nav = client.get(url).content.decode().split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'<a href="([^"]+)"', nav)

    levels = crumbs(item)
    assert f"/documents/{PLAN}/part_2/" in levels and f"/documents/{PLAN}/part_2__sec_7/" in levels
    assert crumbs(item + "history/")[: len(levels)] == levels


def test_a_mistyped_provision_is_a_404_with_the_documents_contents_and_the_nearest_identifiers(client, db):
    response = client.get(f"/documents/{PLAN}/part_2__sec_7__iten_2/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "has no provision “part_2__sec_7__iten_2”" in html
    assert f'href="/documents/{PLAN}/part_2__sec_7__item_2/"' in html
    assert f'href="/documents/{PLAN}/#toc-title"' in html
