"""Recent changes (/changes/) and their Atom feed (/changes/feed/), against the real corpus (tests/conftest.py)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from regulations.history.changes import recent_changes
from regulations.models import Annotation, Document, LegalEvent, Provision, Publication, Target

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PLAN = "industrial-carbon-peaking-2022"
EPR_ITEM = "part_2__sec_7__item_2"  # （七） 2., assigned to steel and nine other industries
STEEL_ITEM = "part_3__sec_10__item_1"  # "Iron and steel": steel only
NO_INDUSTRY_ITEM = "part_1__sec_1"  # "Guiding thinking": no industry
CEMENT_ITEM = "part_2__sec_7__item_1"  # cement (under building materials), chemicals; not building materials itself
WEEE = "cn-weee-regulation"  # topic epr only; the plan is carbon-peaking only


# -- helpers ---------------------------------------------------------------------------------------------


def provision(slug, eid):
    return Provision.objects.select_related("document").get(document__slug=slug, eid=eid)


def edit(obj, reason, user=None, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    if "text" not in values and hasattr(obj, "text"):
        obj.text = (obj.text or "") + " (edited)"
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user
    obj.save()
    return obj


def page(client, url="/changes/", status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return response.content.decode()


def feed(client, query=""):
    response = client.get(f"/changes/feed/{query}")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = []
    for entry in root.findall(f"{ATOM}entry"):
        content = entry.find(f"{ATOM}content")
        entries.append(
            {
                "id": entry.findtext(f"{ATOM}id"),
                "title": entry.findtext(f"{ATOM}title"),
                "updated": entry.findtext(f"{ATOM}updated"),
                "link": entry.find(f"{ATOM}link").get("href"),
                "summary": entry.findtext(f"{ATOM}summary") or "",
                "content": content.text if content is not None else "",
            }
        )
    return root, entries


def first_change(html):
    """The first entry of the list on the page."""
    return html.split('<li class="change', 1)[1].split("</li>", 1)[0]


@pytest.fixture
def insider(client, django_user_model):
    """A signed-in reader with the permission to read internal annotations and drafts."""
    user = django_user_model.objects.create_user("insider", password="pw", first_name="Ines", last_name="Insider")
    user.user_permissions.add(Permission.objects.get(codename="view_internal"))
    client.force_login(user)
    return client


@pytest.fixture
def editor_user(django_user_model):
    return django_user_model.objects.create_user("zed-editor", password="pw")


# -- the latest edit comes first ---------------------------------------------------------------------------


def test_an_edited_provision_is_the_first_change_on_the_page_and_in_the_feed(client):
    edit(provision(PLAN, EPR_ITEM), "Corrected the recycling figure")
    item_url = f"/documents/{PLAN}/{EPR_ITEM}/"

    entry = first_change(page(client))
    assert ">Editorial revision<" in entry and "Provision changed" in entry
    assert f'href="{item_url}"' in entry
    assert "Industrial Carbon Peaking Plan 2.7.2 — Strengthen recycling" in entry
    assert f'href="{item_url}history/"' in entry
    assert "Changed: Text" in entry
    assert "Corrected the recycling figure" in entry

    _, entries = feed(client)
    top = entries[0]
    assert top["title"] == (
        "Editorial revision: Industrial Carbon Peaking Plan 2.7.2 — "
        "Strengthen recycling of renewable (secondary) resources"
    )
    # The entry links to its redline, which shows the edit.
    assert top["link"].startswith(f"http://testserver/documents/{PLAN}/compare/?from=")
    redline = page(client, top["link"].removeprefix("http://testserver"))
    assert "Strengthen recycling" in redline and "(edited)" in redline
    assert "Changed: Text." in top["summary"] and "Corrected the recycling figure" in top["summary"]


def test_the_changed_fields_are_named_in_words_and_bookkeeping_is_left_out(client):
    item = provision(PLAN, EPR_ITEM)
    edit(item, "Retitled", heading_en="Strengthen recycling of secondary resources", text=item.text)
    [change] = recent_changes(limit=1)
    assert change.action == "changed"
    assert change.fields == ["English heading"]  # not "revision"


def test_the_feed_is_atom_with_unique_stable_tag_ids(client):
    edit(provision(PLAN, EPR_ITEM), "An edit")
    root, entries = feed(client)
    assert root.findtext(f"{ATOM}title") == "Rulebook — recent changes"
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Rulebook"
    assert 10 <= len(entries) <= 50  # one entry per save: a corpus load of a whole document is one
    ids = [entry["id"] for entry in entries]
    assert len(set(ids)) == len(ids)
    assert all(
        re.fullmatch(r"tag:testserver,2025:rulebook/(historical[a-z]+|legalevent-effect)/\d+", id_) for id_ in ids
    )
    assert all(
        entry["updated"] and entry["title"] and entry["link"].startswith("http://testserver/") for entry in entries
    )
    assert [entry["id"] for entry in feed(client)[1]] == ids  # the same entries keep their ids
    edit(provision(PLAN, NO_INDUSTRY_ITEM), "Another edit")
    assert feed(client)[1][1]["id"] == ids[0]


def test_every_page_links_to_the_feed_and_the_changes_page(client):
    html = page(client, "/")
    feed_link = '<link rel="alternate" type="application/atom+xml" title="Rulebook — recent changes" href="{}">'
    assert feed_link.format("/changes/feed/") in html
    assert 'href="/changes/"' in html


# -- filters --------------------------------------------------------------------------------------------


@pytest.fixture
def three_edits():
    edit(provision(PLAN, STEEL_ITEM), "marker-steel")
    edit(provision(PLAN, NO_INDUSTRY_ITEM), "marker-none")
    edit(Provision.objects.filter(document__slug=WEEE).first(), "marker-weee")
    edit(provision(PLAN, CEMENT_ITEM), "marker-cement")


def summaries(client, query):
    return " ".join(entry["summary"] for entry in feed(client, query)[1])


def test_the_document_filter_keeps_changes_to_that_document(client, three_edits):
    text = summaries(client, f"?document={PLAN}")
    assert "marker-steel" in text and "marker-none" in text and "marker-cement" in text
    assert "marker-weee" not in text
    text = summaries(client, f"?document={WEEE}")
    assert "marker-weee" in text and "marker-steel" not in text


def test_the_industry_filter_keeps_provisions_of_that_industry_and_its_sub_industries(client, three_edits):
    root, entries = feed(client, "?industry=steel")
    assert root.findtext(f"{ATOM}title") == "Rulebook — changes in the Iron and steel industry"
    text = " ".join(entry["summary"] for entry in entries)
    assert "marker-steel" in text
    assert "marker-none" not in text and "marker-weee" not in text and "marker-cement" not in text
    # Cement sits below building materials: the parent's filter includes it.
    text = summaries(client, "?industry=building-materials")
    assert "marker-cement" in text and "marker-steel" not in text


def test_the_topic_filter_keeps_documents_with_that_topic(client, three_edits):
    text = summaries(client, "?topic=epr")
    assert "marker-weee" in text and "marker-steel" not in text
    text = summaries(client, "?topic=carbon-peaking")
    assert "marker-steel" in text and "marker-weee" not in text


def test_filters_combine_and_the_page_keeps_them_in_its_feed_link(client, three_edits):
    text = summaries(client, f"?document={PLAN}&industry=steel")
    assert "marker-steel" in text and "marker-none" not in text
    html = page(client, f"/changes/?document={PLAN}&industry=steel")
    assert "marker-steel" in html and "marker-none" not in html and "marker-weee" not in html
    feed_url = f"/changes/feed/?document={PLAN}&amp;industry=steel"
    assert f'href="{feed_url}" type="application/atom+xml"' in html
    title = "Rulebook — changes to Industrial Carbon Peaking Plan in the Iron and steel industry"
    assert f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{feed_url}">' in html
    assert 'value="steel" selected' in html


def test_the_industry_filter_covers_targets_and_documents_of_that_industry():
    changes = recent_changes(industry="steel", limit=200)
    whats = {change.what for change in changes}
    assert {"document", "provision", "target"} <= whats
    assert all("WEEE" not in change.label for change in changes if change.what == "document")


# -- what an anonymous reader never sees ------------------------------------------------------------------


@pytest.fixture
def hidden_changes(editor_user):
    """A draft provision's edit, an internal annotation, a public annotation on a draft, a draft document's edit."""
    draft = provision(PLAN, STEEL_ITEM)
    edit(draft, "reason-draftmarker", publication=Publication.DRAFT)
    edit(draft, "reason-draftmarker again")
    Annotation.objects.create(
        document=draft.document,
        provision=provision(PLAN, EPR_ITEM),
        title="Internalmarker client advice",
        body="internalmarker body",
        visibility=Annotation.Visibility.INTERNAL,
    )
    Annotation.objects.create(
        document=draft.document,
        provision=draft,
        title="Onadraftmarker note",
        body="public note on a draft",
        visibility=Annotation.Visibility.PUBLIC,
    )
    weee = Document.objects.get(slug=WEEE)
    edit(weee, "reason-draftdocmarker", user=editor_user, publication=Publication.DRAFT)
    edit(weee, "reason-draftdocmarker again", summary=weee.summary + " more")


HIDDEN_MARKERS = ["draftmarker", "internalmarker", "onadraftmarker", "draftdocmarker"]


@pytest.mark.parametrize(
    "url",
    [
        "/changes/",
        f"/changes/?document={PLAN}",
        "/changes/?industry=steel",
        "/changes/?topic=carbon-peaking",
        "/changes/?topic=epr",
        "/changes/feed/",
        f"/changes/feed/?document={PLAN}",
        "/changes/feed/?industry=steel",
        "/changes/feed/?topic=epr",
    ],
)
def test_drafts_and_internal_annotations_never_reach_an_anonymous_reader(client, hidden_changes, url):
    text = page(client, url).lower()
    for marker in HIDDEN_MARKERS:
        assert marker not in text, (marker, url)
    assert "zed-editor" not in text


def test_a_draft_document_cannot_be_chosen_by_an_anonymous_reader(client, hidden_changes):
    assert f'value="{WEEE}"' not in page(client)
    assert "Ignored document" in page(client, f"/changes/?document={WEEE}")
    page(client, f"/changes/feed/?document={WEEE}", status=404)


def test_insiders_see_drafts_and_internal_annotations_marked_with_their_editors(insider, hidden_changes):
    html = page(insider).lower()
    for marker in HIDDEN_MARKERS:
        assert marker in html, marker
    assert "zed-editor" in html
    entry = first_change(page(insider))
    assert "reason-draftdocmarker again" in entry and 'badge--restricted">Draft<' in entry
    assert re.search(r'badge--restricted">Internal<.*Internalmarker client advice', page(insider), re.S)
    assert f'value="{WEEE}"' in page(insider)


def test_the_feed_is_the_public_view_even_for_a_signed_in_insider(insider, hidden_changes):
    text = page(insider, "/changes/feed/").lower()
    for marker in HIDDEN_MARKERS:
        assert marker not in text, marker
    assert "zed-editor" not in text and "ines" not in text


def test_public_readers_see_no_editor_names(client, editor_user):
    edit(provision(PLAN, EPR_ITEM), "signed edit", user=editor_user)
    assert "signed edit" in page(client)
    assert "zed-editor" not in page(client) and "zed-editor" not in page(client, "/changes/feed/")


def test_publishing_a_draft_reads_as_added_for_the_public(client):
    item = provision(PLAN, EPR_ITEM)
    edit(item, "drafted", publication=Publication.DRAFT)
    edit(item, "published now", publication=Publication.PUBLISHED)
    [change] = recent_changes(limit=1)
    assert (change.action, change.reason) == ("added", "published now")
    assert "drafted" not in page(client)


def test_withdrawing_a_provision_hides_its_whole_history_from_the_public(client):
    item = provision(PLAN, EPR_ITEM)
    edit(item, "public edit")
    edit(item, "withdrawn", publication=Publication.DRAFT)
    assert all(change.url != item.get_absolute_url() for change in recent_changes(limit=200))


def test_a_removed_provision_is_listed_with_its_former_address(client):
    item = provision(PLAN, STEEL_ITEM)
    address = item.get_absolute_url()
    item._change_reason = "Removed in the 2024 revision"
    item.delete()
    [change] = recent_changes(limit=1)
    assert (change.action, change.what, change.url) == ("removed", "provision", address)
    assert "Iron and steel" in change.label


# -- annotations in the feed --------------------------------------------------------------------------------


def test_a_public_annotation_reaches_the_feed_with_its_body_rendered_and_sanitised(client):
    item = provision(PLAN, EPR_ITEM)
    note = Annotation.objects.create(
        document=item.document,
        provision=item,
        title="Recycling quota published",
        body="The **2025 quota** is set. <script>alert('x')</script> [source](javascript:alert(1))",
        visibility=Annotation.Visibility.PUBLIC,
    )
    _, entries = feed(client)
    top = entries[0]
    assert top["title"].startswith("Annotation: “Recycling quota published” on Industrial Carbon Peaking Plan 2.7.2")
    assert top["link"] == f"http://testserver{item.get_absolute_url()}#annotation-{note.pk}"
    assert "<strong>2025 quota</strong>" in top["content"]
    assert "<script" not in top["content"] and "javascript:" not in top["content"]
    html = page(client)
    assert "<strong>2025 quota</strong>" in html
    assert "<script>alert" not in html


# -- odd input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["?document=no-such-document", "?industry=nope", "?topic=%F0%9F%92%A5", "?document=a%00b", "?topic=" + "x" * 300],
)
def test_an_unknown_filter_makes_the_feed_a_404_that_says_which(client, query):
    html = page(client, f"/changes/feed/{query}", status=404)
    assert "There is no " in html


def test_an_unknown_filter_is_ignored_on_the_page_with_a_note(client):
    html = page(client, "/changes/?industry=nope&topic=epr")
    assert "Ignored industry “nope”" in html
    assert 'value="epr" selected' in html


@pytest.mark.parametrize(
    "before",
    [
        "zzz",
        "2024-13-45",
        "0001-01-01",
        "9999-12-31T23:59:59",
        "2024-01-01T00:00:00~provision-x",
        "2024-01-01~nothing-12",
        "2024-01-01~provision-99999999999999999999999",
        "x" * 500,
        "2024-01-01T00:00:00+25:00",
    ],
)
def test_a_bad_before_is_explained_never_a_server_error(client, before):
    response = client.get("/changes/", {"before": before})
    assert response.status_code == 200
    html = response.content.decode()
    if "Ignored “before”" not in html:
        assert "No change matches" in html or '<li class="change' in html


def test_odd_filter_values_never_cause_a_server_error(client):
    for url in [
        "/changes/?document[]=x",
        "/changes/?document=<script>",
        "/changes/feed/?before=zzz",
        "/changes/feed/?industry=",
        "/changes/?before=1900-01-01",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert b"<script>" not in response.content.replace(b'<script src="', b""), url


# -- paging back in time ------------------------------------------------------------------------------------


def test_older_pages_continue_without_gaps_or_repeats_even_among_changes_of_one_moment():
    def walk(limit):
        seen, before = [], None
        while True:
            changes = recent_changes(limit=limit, before=before)
            seen += [change.uid for change in changes]
            if not changes.more:
                return seen
            before = changes.next_before

    by_37, by_200 = walk(37), walk(200)
    assert len(by_37) == len(set(by_37)) > 300  # the corpus load shares a few moments among hundreds of versions
    assert by_37 == by_200


def test_the_page_links_to_older_changes_with_its_filters(client):
    html = page(client, "/changes/?topic=epr")
    older = re.search(r'<a class="pager__next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert older.startswith("/changes/?topic=epr&before=")
    older_html = page(client, older)
    assert "Back to" in older_html
    first_labels = set(re.findall(r'<li class="change[^"]*" id="([^"]+)"', html))
    older_labels = set(re.findall(r'<li class="change[^"]*" id="([^"]+)"', older_html))
    assert older_labels and not first_labels & older_labels


def test_changes_are_grouped_by_day_newest_first(client):
    html = page(client)
    days = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', html)
    assert days == sorted(days, reverse=True) and len(days) == len(set(days))


# -- cost ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/changes/", "/changes/?industry=steel&topic=carbon-peaking", f"/changes/?document={PLAN}"]
)
def test_the_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, url):
    for eid in [EPR_ITEM, STEEL_ITEM, NO_INDUSTRY_ITEM, CEMENT_ITEM]:
        edit(provision(PLAN, eid), "batch edit")
    # Two of them fetch the recorded links of the provisions' and documents' versions, at once.
    # One query per historical table, legal events included, and two for the legal effects of the day.
    with django_assert_max_num_queries(19):
        client.get(url)


def test_the_feed_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        client.get("/changes/feed/?industry=steel")


def test_the_insiders_page_runs_a_bounded_number_of_queries(insider, hidden_changes, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        insider.get("/changes/")


def test_a_recorded_legal_event_is_a_change_of_its_own_kind_on_the_page_and_in_the_feed(client):
    weee = Document.objects.get(slug=WEEE)
    event = LegalEvent(document=weee, kind="partly_repealed", date=datetime.date(2026, 5, 1), instrument="Order No. 1")
    event._change_reason = "Recorded the partial repeal"
    event.save()
    entry = first_change(page(client))
    assert ">Amendment<" in entry and "partly repealed 1 May 2026 by Order No. 1" in entry
    assert "Legal event added" in entry
    feed = page(client, "/changes/feed/")
    assert "Amendment: " in feed and "partly repealed 1 May 2026" in feed


# -- the law's changes on the day they take effect ------------------------------------------------------


def record_in_advance(document, kind, day, recorded, **values):
    event = LegalEvent(document=document, kind=kind, date=day, **values)
    event._history_date = timezone.make_aware(datetime.datetime.combine(recorded, datetime.time(9)))
    event.save()
    return event


def test_an_entry_into_force_recorded_in_advance_is_an_entry_on_the_day_it_happens(client):
    today = timezone.localdate()
    weee = Document.objects.get(slug=WEEE)
    effect_day = today - datetime.timedelta(days=3)
    record_in_advance(weee, "amended", effect_day, today - datetime.timedelta(days=30), instrument="Order No. 2")
    html = page(client)
    day_section = html.split(f'<h2 id="day-{effect_day:%Y-%m-%d}">', 1)[1].split("</section>", 1)[0]
    assert ">Status change<" in day_section
    assert "In force as amended (last changed" in day_section and "by Order No. 2)" in day_section
    _, entries = feed(client)
    titles = [entry["title"] for entry in entries]
    assert any(title.startswith("Status change: ") and "Order No. 2" in title for title in titles), titles


def test_the_corpus_entries_into_force_are_in_the_feed_on_their_day():
    """The 2026 traction-battery measures, issued before they applied from 1 April 2026."""
    changes = recent_changes(since=datetime.date(2026, 4, 1), before=datetime.date(2026, 4, 2), limit=200)
    effects = [change for change in changes if change.what == "effect"]
    assert effects, [change.label for change in changes]
    assert all(change.day == datetime.date(2026, 4, 1) for change in effects)
    assert any(change.kind == "entry into force" for change in effects)
    assert any(change.kind == "status change" and "replaced" in change.label.lower() for change in effects), [
        change.label for change in effects
    ]


def test_an_event_still_to_come_or_recorded_after_it_happened_has_no_effect_entry():
    today = timezone.localdate()
    weee = Document.objects.get(slug=WEEE)
    record_in_advance(weee, "amended", today + datetime.timedelta(days=5), today, instrument="Order No. 3")
    late = LegalEvent(document=weee, kind="amended", date=today - datetime.timedelta(days=2), instrument="Order No. 4")
    late.save()
    labels = [change.label for change in recent_changes(document=WEEE, limit=200) if change.what == "effect"]
    assert not any("Order No. 3" in label or "Order No. 4" in label for label in labels), labels


def test_effect_entries_continue_across_pages_without_gaps_or_repeats():
    everything = recent_changes(limit=200)
    seen, before = [], None
    while True:
        page_of_changes = recent_changes(limit=7, before=before)
        seen += [change.uid for change in page_of_changes]
        if not page_of_changes.more:
            break
        before = page_of_changes.next_before
    assert seen[: len(everything)] == [change.uid for change in everything]
    assert len(seen) == len(set(seen))
    assert any(uid.startswith("legalevent-effect/") for uid in seen)


def test_the_api_lists_effect_entries_with_their_kind(client):
    response = client.get("/api/changes/", {"since": "2026-04-01", "before": "2026-04-02"})
    assert response.status_code == 200, response.content
    effects = [row for row in response.json()["results"] if row["what"] == "effect"]
    assert effects and {row["action"] for row in effects} == {"took effect"}
    assert {row["kind"] for row in effects} <= {"entry into force", "status change"}


# -- one entry per save, each of a kind ---------------------------------------------------------------------


def test_a_corpus_load_is_one_new_rule_entry_per_document_without_midnight_times_or_file_names(client):
    html = page(client, f"/changes/?document={WEEE}")
    entries = html.split('<li class="change ')[1:]
    new_rule = [entry for entry in entries if entry.startswith("change--new-rule")]
    assert len(new_rule) == 1, [entry[:200] for entry in entries]
    assert "provisions" in new_rule[0] and "added" in new_rule[0]
    assert "From the corpus files" in new_rule[0]
    assert "Reason:</span> Loaded from the corpus" not in html and ">00:00<" not in html


def test_one_save_of_a_provision_and_its_target_is_one_entry_with_a_redline(client):
    target = Target.objects.filter(provision__document__slug=PLAN).select_related("provision").first()
    item = target.provision
    edit(item, "Restated the recycling goal")
    target.description = (target.description or "") + " (restated)"
    target._change_reason = "Restated the recycling goal"
    target.save()
    entry = first_change(page(client))
    assert "Editorial revision" in entry and "The 2 changes" in entry
    assert "1 provision and 1 target changed" in entry
    redline = re.search(r'href="([^"]*compare/\?from=[^"]*)">redline', entry).group(1)
    compared = page(client, redline.replace("&amp;", "&"))
    assert "(edited)" in compared


@pytest.mark.parametrize("kind", ["annotation", "editorial", "new-rule", "status-change"])
def test_readers_filter_by_kind_on_the_page_and_in_the_feed(client, kind):
    edit(provision(PLAN, EPR_ITEM), "An edit")
    Annotation.objects.create(
        document=Document.objects.get(slug=PLAN), title="Kindmarker", body="b", visibility=Annotation.Visibility.PUBLIC
    )
    html = page(client, f"/changes/?kind={kind}")
    kinds = set(re.findall(r'<li class="change change--([a-z-]+)"', html))
    assert kinds == {kind}, kinds
    _, entries = feed(client, f"?kind={kind}")
    label = {"annotation": "Annotation", "editorial": "Editorial revision", "new-rule": "New rule"}.get(
        kind, "Status change"
    )
    assert entries and all(entry["title"].startswith(label + ":") for entry in entries)


def test_an_unknown_kind_is_a_note_on_the_page_and_a_404_in_the_feed(client):
    assert "Ignored kind “gossip”" in page(client, "/changes/?kind=gossip")
    page(client, "/changes/feed/?kind=gossip", status=404)


def test_recent_changes_and_the_link_checker_are_in_the_main_navigation(client):
    nav = page(client, "/").split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/changes/">Recent changes<' in nav and 'href="/links/check/">Check links<' in nav
