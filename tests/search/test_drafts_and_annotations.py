"""Drafts never reach search; public annotations do, internal ones never (real corpus, live updates).

Each test works on its own copy of the session's corpus index, so that live updates can write to it.
"""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from regulations.models import Annotation, Provision, Publication
from search.records import records_for
from search.service import search

ITEM = "part_2__sec_7__item_2"  # the plan's （七） 2. "Strengthen recycling of renewable (secondary) resources"
ITEM_REFERENCE = "88号 （七）2."
PLAN_NUMBER = "工信部联节〔2022〕88号"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs the on-commit callbacks (the index update) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def item(plan):
    return Provision.objects.get(document=plan, eid=ITEM)


def annotate(subject, title, body, **fields):
    subject_fields = {"provision": subject, "document": subject.document} if isinstance(subject, Provision) else {}
    return Annotation.objects.create(
        **(subject_fields or {"document": subject}),
        title=title,
        body=body,
        **{"visibility": Annotation.Visibility.PUBLIC, "kind": Annotation.Kind.IMPLEMENTATION, **fields},
    )


def keys(backend, query, **kwargs):
    return [hit.key for hit in search(query, page_size=100, **kwargs, backend=backend).hits]


def api(client, query):
    return client.get("/api/search/", {"q": query}).json()


def page(client, query):
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def suggestions(client, prefix):
    return client.get(reverse("search:autocomplete"), {"q": prefix}).json()["suggestions"]


def check(capsys):
    """``rebuild_index --check``: its output, and whether it found the index clean."""
    capsys.readouterr()
    try:
        call_command("rebuild_index", "--check")
        clean = True
    except SystemExit:
        clean = False
    return clean, capsys.readouterr().out


# -- public annotations -----------------------------------------------------------------------------
def test_a_public_annotation_is_found_by_a_word_of_its_text_and_links_to_itself(live, item, commit, client):
    with commit():
        note = annotate(
            item,
            "Provincial recycling quotas",
            "Three provinces now publish **wallaby** quotas; see [the notice](https://example.com/kangaroo-court).",
        )
    hits = search("wallaby", backend=live).hits
    assert [hit.key for hit in hits] == [f"annotation:{note.pk}"]
    hit = hits[0]
    assert hit.kind == "annotation"
    assert hit.title == "Provincial recycling quotas"
    assert hit.url == note.get_absolute_url() and hit.url.endswith(f"#annotation-{note.pk}")
    assert (hit.num, hit.document, hit.document_slug) == (item.reference, item.document.short_title, item.document.slug)
    # The Markdown is read as text: the snippet has no markup, and the link's target is not indexed.
    assert "<mark>wallaby</mark>" in hit.snippet and "**" not in hit.snippet and "example.com" not in hit.snippet
    assert "the notice" in hit.snippet
    assert keys(live, "kangaroo") == []

    data = api(client, "wallaby")
    assert [result["url"] for result in data["results"]] == [note.get_absolute_url()]
    assert {value["label"] for value in data["facets"]["kind"]} == {"Annotation"}
    assert {value["value"] for value in data["facets"]["document"]} == {item.document.slug}
    # Filtered like its provision (industries, with their parents) and document.
    assert keys(live, "wallaby", filters={"industry": ["steel"], "kind": ["annotation"]}) == [f"annotation:{note.pk}"]
    assert keys(live, "wallaby", filters={"kind": ["provision"]}) == []
    assert "Annotation" in page(client, "wallaby")


def test_an_annotation_on_a_document_links_to_the_document(live, plan, commit):
    with commit():
        note = annotate(plan, "Mid-term review", "The review found the plan on track for the kookaburra milestone.")
    [hit] = search("kookaburra", backend=live).hits
    assert hit.url == note.get_absolute_url() == plan.get_absolute_url() + f"#annotation-{note.pk}"
    assert hit.num == ""


def test_an_annotations_title_counts_like_a_heading(live, item, commit):
    with commit():
        titled = annotate(item, "Echidna pilot zones", "Pilot zones were chosen.")
        mentioned = annotate(item, "Other news", "An echidna was seen near the pilot zones.")
    assert keys(live, "echidna") == [f"annotation:{titled.pk}", f"annotation:{mentioned.pk}"]


# -- internal and draft annotations -----------------------------------------------------------------
def test_an_internal_annotation_is_never_found_nor_shown(live, item, commit, client):
    with commit():
        secret = annotate(
            item, "Numbat client memo", "Numbat strategy for the client.", visibility=Annotation.Visibility.INTERNAL
        )
    assert f"annotation:{secret.pk}" not in live.digests()
    assert keys(live, "numbat") == []
    data = api(client, "numbat")
    assert (data["total"], data["results"]) == (0, [])
    assert "search-hit__title" not in page(client, "numbat")
    assert suggestions(client, "numbat") == []
    # The provision it is about is found as before, and nothing of the annotation shows with it.
    heading = "Strengthen recycling of renewable resources"
    assert f"provision:{item.pk}" in keys(live, heading)
    assert "numbat" not in json.dumps(api(client, heading)).lower()
    assert "numbat" not in page(client, heading).lower()


def test_a_draft_annotation_is_not_found_until_published(live, item, commit):
    with commit():
        note = annotate(item, "Platypus guidance", "Draft guidance.", publication=Publication.DRAFT)
    assert keys(live, "platypus") == []
    with commit():
        note.publication = Publication.PUBLISHED
        note.save()
    assert keys(live, "platypus") == [f"annotation:{note.pk}"]


def test_switching_an_annotation_between_public_and_internal_updates_the_index(live, item, commit, client):
    with commit():
        note = annotate(item, "Dingo deadline", "The dingo deadline moved to June.")
    assert keys(live, "dingo") == [f"annotation:{note.pk}"]
    with commit():
        note.visibility = Annotation.Visibility.INTERNAL
        note.save()
    assert keys(live, "dingo") == []
    assert api(client, "dingo")["results"] == [] and suggestions(client, "dingo") == []
    with commit():
        note.visibility = Annotation.Visibility.PUBLIC
        note.save()
    assert keys(live, "dingo") == [f"annotation:{note.pk}"]
    with commit():
        note.delete()
    assert keys(live, "dingo") == []


# -- draft provisions and documents -----------------------------------------------------------------
def test_a_provision_made_a_draft_disappears_everywhere_until_published(live, item, commit, client):
    heading = "Strengthen recycling of renewable resources"
    with commit():
        note = annotate(item, "Bilby quotas", "Bilby quotas apply.")
    assert f"provision:{item.pk}" in keys(live, heading)
    assert search(ITEM_REFERENCE, backend=live).hits[0].key == f"provision:{item.pk}"
    assert search(ITEM, backend=live).hits[0].key == f"provision:{item.pk}"
    assert item.heading_en in [s["label"] for s in suggestions(client, "Strengthen recycling of renew")]

    with commit():
        item.publication = Publication.DRAFT
        item.save()
    assert f"provision:{item.pk}" not in keys(live, heading)
    assert f"provision:{item.pk}" not in keys(live, ITEM_REFERENCE)  # the reference jump
    assert f"provision:{item.pk}" not in keys(live, ITEM)  # the identifier jump
    reference = search(ITEM_REFERENCE, backend=live)
    assert [hit.key for hit in reference.hits if hit.pinned] == [f"document:{item.document_id}"]
    assert item.heading_en not in [s["label"] for s in suggestions(client, "Strengthen recycling of renew")]
    assert keys(live, "bilby") == []  # its public annotation goes with it
    assert item.heading_en not in page(client, heading)

    with commit():
        item.publication = Publication.PUBLISHED
        item.save()
    assert f"provision:{item.pk}" in keys(live, heading)
    assert search(ITEM_REFERENCE, backend=live).hits[0].key == f"provision:{item.pk}"
    assert keys(live, "bilby") == [f"annotation:{note.pk}"]


def test_a_draft_sharing_a_number_leaves_the_published_reference_alone(live, item, commit):
    with commit():
        Provision.objects.create(
            document=item.document,
            parent=item.parent,
            eid=f"{item.parent.eid}__item_99",
            position=item.position,
            num=item.num,
            kind=item.kind,
            heading_en="Redrafted item",
            publication=Publication.DRAFT,
        )
    assert search(ITEM_REFERENCE, backend=live).hits[0].key == f"provision:{item.pk}"


def test_a_draft_documents_provisions_and_number_disappear(live, plan, item, commit, client, capsys):
    provisions = {f"provision:{pk}" for pk in plan.provisions.values_list("pk", flat=True)}
    with commit():
        note = annotate(plan, "Wombat review", "Wombat review of the plan.")
    assert provisions | {f"document:{plan.pk}", f"annotation:{note.pk}"} <= set(live.digests())
    assert search(PLAN_NUMBER, backend=live).hits[0].key == f"document:{plan.pk}"

    with commit():
        plan.publication = Publication.DRAFT
        plan.save()
    indexed = set(live.digests())
    assert not (provisions | {f"document:{plan.pk}", f"annotation:{note.pk}"}) & indexed
    assert not [hit for hit in search(PLAN_NUMBER, backend=live).hits if hit.pinned]
    assert not [hit for hit in search(ITEM_REFERENCE, backend=live).hits if hit.document_slug == plan.slug]
    data = api(client, "Industrial Carbon Peaking Plan")
    assert plan.slug not in {value["value"] for value in data["facets"].get("document", [])}
    assert all(s["document"] != plan.short_title for s in suggestions(client, "Strengthen"))
    assert keys(live, "wombat") == []
    # Entries that relate to it no longer name it in their relation words, in the database or the index.
    assert not any(plan.short_title in record["meta"] for record in records_for(indexed))
    assert check(capsys)[0]

    with commit():
        plan.publication = Publication.PUBLISHED
        plan.save()
    assert provisions | {f"document:{plan.pk}", f"annotation:{note.pk}"} <= set(live.digests())
    assert search(PLAN_NUMBER, backend=live).hits[0].key == f"document:{plan.pk}"


def test_an_annotation_on_a_draft_provision_waits_for_the_provision(live, item, commit):
    with commit():
        item.publication = Publication.DRAFT
        item.save()
        note = annotate(item, "Quoll note", "Quoll note on a draft.")
    assert keys(live, "quoll") == []
    with commit():
        item.publication = Publication.PUBLISHED
        item.save()
    assert keys(live, "quoll") == [f"annotation:{note.pk}"]


# -- rebuild and check ------------------------------------------------------------------------------
def test_check_is_clean_after_drafts_and_annotations_and_fix_repairs_an_annotation(live, item, plan, commit, capsys):
    other = Provision.objects.get(document=plan, eid="part_2__sec_6")
    with commit():
        public = annotate(item, "Bandicoot rules", "Bandicoot rules apply.")
        internal = annotate(item, "Possum memo", "Possum.", visibility=Annotation.Visibility.INTERNAL)
        on_document = annotate(plan, "Koala review", "Koala review.")
        other.publication = Publication.DRAFT
        other.save()
    clean, out = check(capsys)
    assert clean and "matches the database" in out

    # A stale entry for the public annotation, and a leftover one for the internal annotation.
    [record] = records_for({f"annotation:{public.pk}"})
    leftover = {**record, "key": f"annotation:{internal.pk}", "digest": "0"}
    live.index([{**record, "body": "Outdated wording.", "data": {**record["data"], "text": "Outdated"}, "digest": "0"}])
    live.index([leftover])
    clean, out = check(capsys)
    assert not clean
    assert f"1 stale: annotation:{public.pk}" in out and f"1 extra: annotation:{internal.pk}" in out
    assert keys(live, "outdated") == [f"annotation:{public.pk}"]

    call_command("rebuild_index", "--check", "--fix")
    assert check(capsys)[0]
    assert keys(live, "outdated") == []
    assert keys(live, "bandicoot") == [f"annotation:{public.pk}"]
    assert set(keys(live, "koala")) == {f"annotation:{on_document.pk}"}


def test_a_rebuild_leaves_drafts_and_internal_annotations_out(live, item, plan, commit, capsys):
    with commit():
        public = annotate(item, "Bandicoot rules", "Bandicoot rules apply.")
        internal = annotate(item, "Possum memo", "Possum.", visibility=Annotation.Visibility.INTERNAL)
        draft = annotate(item, "Possum draft", "Possum.", publication=Publication.DRAFT)
        other = Provision.objects.get(document=plan, eid="part_2__sec_6")
        other.publication = Publication.DRAFT
        other.save()
    call_command("rebuild_index", "--no-progress")
    indexed = set(live.digests())
    assert f"annotation:{public.pk}" in indexed and f"provision:{item.pk}" in indexed
    assert not {f"annotation:{internal.pk}", f"annotation:{draft.pk}", f"provision:{other.pk}"} & indexed
    assert check(capsys)[0]
