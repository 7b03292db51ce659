"""The search catalog (document names and numbers, provision references, glossary, labels) is rebuilt when a
commit changes what it reads, in every process alike, and not after an edit of a provision's text alone: with
editors at work the index changes every second, and a rebuild for each write would cost the searches after it."""

import pytest

from regulations.models import Document, GlossaryTerm, Provision
from search import catalog
from search.service import search
from tests.helpers import edit

ITEM = "part_2__sec_7__item_2"


@pytest.fixture
def provision(plan):
    return Provision.objects.get(document=plan, eid=ITEM)


def test_an_edit_of_a_provisions_text_keeps_the_catalog(live, committed, provision):
    before = catalog.get_catalog(live)
    committed(edit, provision, text="Reworded by a consultant: quokka.")
    assert catalog.get_catalog(live) is before


@pytest.mark.parametrize(
    ("field", "value"), [("heading_en", "Renamed heading"), ("num", "9."), ("publication", "draft")]
)
def test_an_edit_of_what_the_catalog_reads_of_a_provision_rebuilds_it(live, committed, provision, field, value):
    before = catalog.get_catalog(live)
    committed(edit, provision, **{field: value})
    assert catalog.get_catalog(live) is not before


def test_a_new_or_deleted_provision_rebuilds_it(live, committed, plan):
    before = catalog.get_catalog(live)
    created = committed(
        Provision.objects.create, document=plan, eid="part_9", position=999, kind="general", heading_en="Zeolite"
    )
    after_create = catalog.get_catalog(live)
    assert after_create is not before
    committed(created.delete)
    assert catalog.get_catalog(live) is not after_create


def best_bets(live, query):
    return [hit.key for hit in search(query, backend=live).hits if hit.pinned and hit.kind == "document"]


def test_a_document_is_a_best_bet_for_its_new_title_on_the_next_search(live, committed, plan):
    assert best_bets(live, "Perovskite Framework") == []
    committed(edit, plan, alternative_titles=[*plan.alternative_titles, "Perovskite Framework"])
    assert best_bets(live, "Perovskite Framework") == [f"document:{plan.pk}"]


def test_a_glossary_edit_rebuilds_it(live, committed):
    before = catalog.get_catalog(live)
    term = GlossaryTerm.objects.first()
    committed(edit, term, abbreviations=[*term.abbreviations, "QZX"])
    assert catalog.get_catalog(live) is not before


def test_a_change_committed_by_another_process_reaches_this_ones_catalog(live):
    before = catalog.get_catalog(live)
    catalog.invalidate()  # what another server's commit writes
    assert catalog.get_catalog(live) is not before


def test_nothing_is_rebuilt_for_a_change_that_rolls_back(live, django_capture_on_commit_callbacks):
    before = catalog.get_catalog(live)
    with django_capture_on_commit_callbacks(execute=False):
        edit(Document.objects.get(slug="industrial-carbon-peaking-2022"), title_en="Never committed")
    assert catalog.get_catalog(live) is before


def test_an_edit_that_undoes_a_rename_read_from_the_database_rebuilds_it(live, committed, provision):
    original = provision.heading_en
    committed(edit, Provision.objects.get(pk=provision.pk), heading_en="Renamed by another consultant")
    renamed = catalog.get_catalog(live)
    provision.refresh_from_db()
    committed(edit, provision, heading_en=original)
    assert catalog.get_catalog(live) is not renamed
