"""A rule's legal status on a day, derived from its legal events, before, at and after each event (real database)."""

import datetime
import re

import pytest

from regulations.models import Document, LegalEvent, Provision, Status

DAY = datetime.timedelta(days=1)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def rule(db):
    document = Document.objects.create(
        slug="test-rule", title_en="Test rule", short_title="Test rule", kind="measures", jurisdiction="CN", summary="-"
    )
    return document


def event(document, kind, date, position=0, **values):
    precision = {4: "year", 7: "month"}.get(len(date), "day")
    start = date + ("-01-01" if len(date) == 4 else "-01" if len(date) == 7 else "")
    return LegalEvent.objects.create(
        document=document, kind=kind, date=start, precision=precision, position=position, **values
    )


def status(document, on: str) -> str:
    document = Document.objects.with_events().get(pk=document.pk)
    return document.validity(day(on)).code


def test_before_anything_happened_a_rule_is_not_yet_adopted(rule):
    event(rule, "issued", "2020-05-01")
    assert status(rule, "2020-04-30") == Status.NOT_YET_ADOPTED
    assert status(rule, "2020-05-01") == Status.IN_FORCE  # a normative document applies from its issue


def test_a_consultation_draft_then_adoption_then_entry_into_force(rule):
    event(rule, "consultation_draft", "2019-01-10", 0)
    event(rule, "adopted", "2019-06-01", 1)
    event(rule, "entry_into_force", "2020-01-01", 2)
    assert status(rule, "2019-01-09") == Status.NOT_YET_ADOPTED
    assert status(rule, "2019-01-10") == Status.CONSULTATION_DRAFT
    assert status(rule, "2019-05-31") == Status.CONSULTATION_DRAFT
    pending = Document.objects.with_events().get(pk=rule.pk).validity(day("2019-06-01"))
    assert pending.code == Status.NOT_YET_IN_FORCE
    assert pending.text == "Adopted, not yet in force (enters into force on 1 January 2020)"
    assert status(rule, "2019-12-31") == Status.NOT_YET_IN_FORCE
    assert status(rule, "2020-01-01") == Status.IN_FORCE


def test_an_amendment_takes_effect_on_its_date_and_names_its_provisions(rule):
    event(rule, "entry_into_force", "2011-01-01", 0)
    amended_part = Provision.objects.create(document=rule, eid="art_7", position=0, kind="article", heading_en="A7")
    other_part = Provision.objects.create(document=rule, eid="art_8", position=1, kind="article", heading_en="A8")
    amendment = event(rule, "amended", "2019-03-02", 1, instrument="国务院令第709号")
    amendment.provisions.add(amended_part)
    assert status(rule, "2019-03-01") == Status.IN_FORCE
    assert status(rule, "2019-03-02") == Status.AMENDED
    document = Document.objects.with_events().get(pk=rule.pk)
    assert (
        document.validity(day("2019-03-02")).text
        == "In force as amended (last changed 2 March 2019 by 国务院令第709号)"
    )
    amended_part.document, other_part.document = document, document
    assert amended_part.validity(day("2019-03-01")).code == Status.IN_FORCE
    assert amended_part.validity(day("2019-03-02")).code == Status.AMENDED
    assert other_part.validity(day("2019-03-02")).code == Status.IN_FORCE


def test_a_partial_repeal_repeals_the_provisions_it_names_and_leaves_the_rest_in_force(rule):
    event(rule, "entry_into_force", "2011-01-01", 0)
    repealed = Provision.objects.create(document=rule, eid="art_9", position=0, kind="article", heading_en="A9")
    kept = Provision.objects.create(document=rule, eid="art_10", position=1, kind="article", heading_en="A10")
    event(rule, "partly_repealed", "2021-07-01", 1).provisions.add(repealed)
    assert status(rule, "2021-06-30") == Status.IN_FORCE
    assert status(rule, "2021-07-01") == Status.PARTLY_REPEALED
    document = Document.objects.with_events().get(pk=rule.pk)
    repealed.document, kept.document = document, document
    assert repealed.validity(day("2021-07-01")).code == Status.REPEALED
    assert kept.validity(day("2021-07-01")).code == Status.IN_FORCE


def test_a_repeal_ends_the_rule_from_its_date(rule):
    event(rule, "entry_into_force", "2011-01-01", 0)
    event(rule, "repealed", "2024-05-01", 1, instrument="Decision No. 1")
    assert status(rule, "2024-04-30") == Status.IN_FORCE
    assert status(rule, "2024-05-01") == Status.REPEALED
    assert status(rule, "2030-01-01") == Status.REPEALED


def test_a_replacement_names_the_replacing_rule_and_an_unverified_one_reads_as_reported(rule):
    successor = Document.objects.get(slug="cn-nev-battery-recycling-measures-2026")
    event(rule, "entry_into_force", "2018-08-01", 0)
    event(rule, "replaced", "2026-04-01", 1, by=successor, verified=False)
    assert status(rule, "2026-03-31") == Status.IN_FORCE
    validity = Document.objects.with_events().get(pk=rule.pk).validity(day("2026-04-01"))
    assert validity.code == Status.SUPERSEDED and not validity.in_force
    assert validity.by == successor and validity.reported
    assert validity.badge_label == "Reported replaced"
    assert validity.text == f"Reported replaced by {successor.short_title} from 1 April 2026 (unverified)"


def test_an_expiry_dated_by_year_takes_effect_after_the_end_of_that_year(rule):
    event(rule, "issued", "2021-05-26", 0)
    event(rule, "expires", "2023", 1, verified=False, note="Two-year pilot; a formal close was not confirmed.")
    assert status(rule, "2023-12-31") == Status.IN_FORCE
    validity = Document.objects.with_events().get(pk=rule.pk).validity(day("2024-01-01"))
    assert validity.code == Status.EXPIRED
    assert validity.text == "Reported expired after the end of 2023 (unverified)"


def test_an_unverified_date_of_entry_into_force_leaves_the_rule_in_force_with_the_date_marked(rule):
    event(rule, "entry_into_force", "2024-12-24", 0, verified=False)
    validity = Document.objects.with_events().get(pk=rule.pk).validity(day("2025-01-01"))
    assert validity.code == Status.IN_FORCE and not validity.reported and validity.unverified
    assert validity.badge_label == "In force"
    assert validity.text == "In force since 24 December 2024 (date unverified)"


def test_the_corpus_2018_measures_are_reported_replaced_today_and_in_force_in_2025(db):
    measures = Document.objects.with_events().get(slug="cn-nev-battery-interim-measures-2018")
    assert measures.validity(day("2025-06-01")).code == Status.IN_FORCE
    today = measures.validity()
    assert today.code == Status.SUPERSEDED and today.reported
    assert measures.superseded_by.slug == "cn-nev-battery-recycling-measures-2026"
    assert measures not in [document for document in Document.objects.with_events() if document.validity().in_force]


def test_pages_and_the_api_give_the_status_on_the_day_asked_for(client, db):
    url = "/documents/cn-nev-battery-interim-measures-2018/"
    today = client.get(url).content.decode()
    assert 'badge--superseded" title="Reported replaced by' in today
    assert ">Reported replaced<" in today
    then = client.get(url, {"on": "2025-06-01"}).content.decode()
    assert 'badge--in_force" title="In force since 1 August 2018">In force<' in then
    assert client.get(url, {"on": "2025-13-01"}).status_code == 400
    answer = client.get("/api/documents/cn-nev-battery-interim-measures-2018/").json()
    assert answer["status"] == "superseded" and answer["validity"]["reported"] is True
    assert answer["validity"]["by"].endswith("/documents/cn-nev-battery-recycling-measures-2026/")
    assert (
        client.get("/api/documents/cn-nev-battery-interim-measures-2018/", {"on": "2025-06-01"}).json()["status"]
        == "in_force"
    )
    in_force = client.get("/api/documents/", {"status": "in_force", "page_size": 100}).json()["results"]
    assert "cn-nev-battery-interim-measures-2018" not in {row["slug"] for row in in_force}
    listed = client.get("/api/documents/", {"status": "in_force", "on": "2025-06-01"}).json()["results"]
    assert "cn-nev-battery-interim-measures-2018" in {row["slug"] for row in listed}


def test_the_document_list_and_its_status_facet_do_not_count_a_replaced_rule_as_in_force(client, db):
    html = client.get("/documents/", {"status": "in_force"}).content.decode()
    assert "/documents/cn-nev-battery-interim-measures-2018/" not in html
    superseded = client.get("/documents/", {"status": "superseded"}).content.decode()
    assert "/documents/cn-nev-battery-interim-measures-2018/" in superseded


def test_every_document_page_names_its_official_source_or_says_none_is_linked(client, db):
    for document in Document.objects.all():
        html = client.get(document.get_absolute_url()).content.decode()
        official = html.split("<h3>Official text</h3>", 1)[1].split("</p>", 1)[0]
        if document.official_url:
            assert document.official_url in official
        else:
            assert "Official source not yet linked." in official
        assert "Official texts and the research sources" not in html


def test_a_pinned_page_answers_by_legal_effect_apart_from_rulebooks_own_revisions(client, db):
    before = client.get("/documents/cn-weee-regulation/@2018-01-01/").content.decode()
    legal, editorial = before.split('class="notice notice--pinned"', 1)
    assert 'badge--in_force" title="In force since 1 January 2011">In force<' in legal
    assert "Since then the law has changed" in legal and "2 March 2019" in legal and "709" in legal
    assert "In force as amended" in legal  # today's status, after the amendment
    assert "Rulebook's text has not been revised since" in editorial
    after = client.get("/documents/cn-weee-regulation/@2020-01-01/").content.decode()
    assert "No legal event has taken effect since" in after


def test_rewording_a_summary_is_an_editorial_revision_never_a_change_of_the_law(client, db):
    document = Document.objects.get(slug="cn-weee-regulation")
    provision = document.provisions.order_by("position").first()
    provision.text = provision.text + " (Rulebook's wording, revised.)"
    provision._change_reason = "Clearer wording"
    provision.save()
    page = client.get(f"{provision.get_absolute_url()}@2020-01-01/").content.decode()
    legal, editorial = page.split('class="notice notice--pinned"', 1)
    assert "No legal event has taken effect since" in legal
    assert "Rulebook has revised its text since (editorial changes, not changes of the law)" in editorial


def test_related_rules_that_no_longer_apply_say_so_and_come_after_those_in_force(client, db):
    html = client.get("/documents/cn-nev-battery-standard-conditions-2024/").content.decode()
    related = html.split('id="related-title"', 1)[1]
    old = related.index('class="relation__other" href="/documents/cn-nev-battery-standard-conditions-2019/"')
    assert 'badge--superseded" title="Superseded by' in related[old : old + 600]
    groups = re.findall(r'<section class="related-group" aria-labelledby="related-([a-z0-9-]+)"', related)
    assert len(groups) > 1 and groups[-1] == "cn-nev-battery-standard-conditions-2019"


def test_a_document_shows_what_it_rests_on_and_what_rests_on_it(client, db):
    law = Document.objects.get(slug="cn-solid-waste-law-2020")
    assert law.get_rank_display() == "Law"
    measures = client.get("/documents/cn-weee-regulation/").content.decode()
    hierarchy = measures.split("<dt>Legal hierarchy</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Rests on" in hierarchy and "/documents/cn-solid-waste-law-2020/" in hierarchy
    basis = client.get("/documents/cn-solid-waste-law-2020/").content.decode()
    assert "What rests on it" in basis.split("<dt>Legal hierarchy</dt>", 1)[1].split("</dd>", 1)[0]
    listed = client.get("/documents/", {"rank": "law"}).content.decode()
    assert "/documents/cn-solid-waste-law-2020/" in listed and "/documents/cn-weee-regulation/" not in listed


def test_the_whole_document_compare_names_the_days_asked_for(client, db):
    html = client.get(
        "/documents/industrial-carbon-peaking-2022/compare/", {"from": "2026-01-01", "to": "2023-01-01"}
    ).content.decode()
    assert "as it stood at <time" in html
    assert ">the end of 1 January 2023</time> to its text at <time" in html
    assert ">the end of 1 January 2026</time>" in html and "2 January 2023, 00:00" not in html


def test_search_hits_carry_their_rules_status(client, corpus_index, settings, db):
    from tests.helpers import whoosh_at

    if settings.SEARCH_BACKENDS["default"]["BACKEND"] == "search.backends.whoosh":
        settings.SEARCH_BACKENDS = whoosh_at(corpus_index)
    hits = client.get("/api/search/", {"q": "工信部联节〔2018〕43号"}).json()["results"]
    measures = next(hit for hit in hits if hit["url"].endswith("/documents/cn-nev-battery-interim-measures-2018/"))
    assert (measures["status"], measures["status_label"]) == ("superseded", "Reported replaced")
    page = client.get("/search/", {"q": "traction battery recycling interim measures 2018"}).content.decode()
    assert 'badge--superseded">Reported replaced<' in page


def test_the_targets_list_says_which_targets_come_from_a_rule_no_longer_in_force(client, db):
    from regulations.models import Target

    ended = [
        target
        for target in Target.objects.select_related("provision__document")
        if not target.provision.document.validity().in_force
    ]
    assert ended, "the corpus has targets of rules no longer in force (the 2021 automotive EPR pilot, …)"
    html = client.get("/targets/").content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    flagged = [row for row in rows if "badge--status" in row]
    assert len(flagged) == len(ended), (len(flagged), len(ended))
    assert all('data-label="Target"' in row for row in rows)
