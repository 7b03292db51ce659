"""The corpus loader and exporter, run on a copy of the real corpus.

The test database already holds the corpus (tests/conftest.py); each test edits its own copy
of the files and loads it inside the test's transaction.
"""

import copy
import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from regulations.corpus import loader as corpus_module
from regulations.corpus.exporter import export_corpus, export_document
from regulations.corpus.files import FILE_HEADER, CorpusError, dump_yaml, read_yaml
from regulations.corpus.loader import load_corpus
from regulations.models import (
    Authority,
    Document,
    DocumentIssuer,
    GlossaryTerm,
    Industry,
    LegalEvent,
    Provision,
    Relation,
    RelationType,
    Target,
    Topic,
)

BATTERY_PLAN = "documents/cn-nev-battery-action-plan-2025.yaml"  # small, and its line numbers are used below
ALL_TABLES = [
    Authority,
    Topic,
    RelationType,
    Industry,
    Document,
    DocumentIssuer,
    LegalEvent,
    Provision,
    Target,
    Relation,
    GlossaryTerm,
    Document.topics.through,
    Provision.industries.through,
    GlossaryTerm.see_provisions.through,
]


_parsed: dict[bytes, object] = {}


@pytest.fixture(autouse=True)
def _parse_each_text_once(monkeypatch):
    """Most tests load the same 20 files; parsing (pure-Python YAML) is most of a load's time.

    Reading is a function of the file's bytes, so a file already read is handed out again as a
    copy (a copy keeps the line numbers). Files a test has changed, and every error, are read afresh.
    """

    def cached_read_yaml(path):
        text = Path(path).read_bytes()
        if text not in _parsed:
            _parsed[text] = read_yaml(path)
        return copy.deepcopy(_parsed[text])

    monkeypatch.setattr(corpus_module, "read_yaml", cached_read_yaml)


@pytest.fixture
def corpus(tmp_path, db):
    folder = tmp_path / "corpus"
    shutil.copytree(settings.CORPUS_DIR, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> Path:
    """Replace one exact passage of a corpus file (which must occur exactly once)."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def load_error(folder: Path) -> CorpusError:
    with pytest.raises(CorpusError) as caught:
        load_corpus(folder)
    return caught.value


def snapshot():
    """Every row of every table the loader writes, to show that a failed load changed nothing."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in ALL_TABLES}


def provision(slug: str, eid: str) -> Provision:
    return Provision.objects.get(document__slug=slug, eid=eid)


# -- idempotence and updates ----------------------------------------------------------------


def test_loading_the_corpus_again_changes_nothing(corpus):
    before = snapshot()
    report = load_corpus(corpus)
    assert report.changed is False
    assert report.summary() == "nothing changed"
    assert report.unchanged["provisions"] == Provision.objects.count()
    assert snapshot() == before


def test_editing_one_heading_updates_exactly_that_provision_and_exports_back_to_the_same_file(corpus):
    untouched = {
        p.pk: p.heading_en for p in Provision.objects.exclude(document__slug="cn-nev-battery-action-plan-2025")
    }
    edit(corpus, BATTERY_PLAN, "heading_en: Whole-chain management\n", "heading_en: Whole-chain recycling management\n")
    report = load_corpus(corpus)
    assert report.updated == {"provisions": 1}
    assert not report.created and not report.deleted
    assert provision("cn-nev-battery-action-plan-2025", "sec_1").heading_en == "Whole-chain recycling management"
    assert provision("cn-nev-battery-action-plan-2025", "sec_2").heading_en == "Lifecycle flow monitoring"
    assert {p.pk: p.heading_en for p in Provision.objects.filter(pk__in=untouched)} == untouched
    assert load_corpus(corpus).changed is False
    document = Document.objects.get(slug="cn-nev-battery-action-plan-2025")
    assert FILE_HEADER + dump_yaml(export_document(document)) == (corpus / BATTERY_PLAN).read_text(encoding="utf-8")


def cut(folder: Path, name: str, first_line: str, up_to: str):
    """Remove a passage of a file, from the line `first_line` to just before `up_to`."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    start = text.index(first_line)
    path.write_text(text[:start] + text[text.index(up_to, start + 1) :], encoding="utf-8")


def test_removing_a_provision_from_its_file_deletes_it(corpus):
    cut(corpus, BATTERY_PLAN, "  - eid: sec_4\n", "relations:\n")
    report = load_corpus(corpus, allow_deletions=True)
    assert report.deleted == {"provisions": 1}
    assert not report.created and not report.updated
    eids = Document.objects.get(slug="cn-nev-battery-action-plan-2025").provisions.values_list("eid", flat=True)
    assert sorted(eids) == ["sec_1", "sec_2", "sec_3"]


def test_removing_a_provision_with_children_deletes_the_whole_branch(corpus):
    slug = "cn-epr-implementation-plan-2016"
    cut(corpus, f"documents/{slug}.yaml", "  - eid: part_2\n", "  - eid: part_3\n")
    report = load_corpus(corpus, allow_deletions=True)
    assert report.deleted == {"provisions": 5}
    assert not Provision.objects.filter(document__slug=slug, eid__startswith="part_2").exists()
    assert Provision.objects.filter(document__slug=slug, eid="part_3").exists()


def test_removing_a_provision_that_another_document_relates_to_is_refused(corpus):
    cut(corpus, BATTERY_PLAN, "  - eid: sec_3\n", "  - eid: sec_4\n")
    error = load_error(corpus)
    assert error.path == corpus / "documents/cn-nev-battery-recycling-measures-2026.yaml"
    assert "document “cn-nev-battery-action-plan-2025” has no provision “sec_3”" in error.message
    assert provision("cn-nev-battery-action-plan-2025", "sec_3")


# -- atomicity ------------------------------------------------------------------------------


def test_an_error_in_the_last_document_undoes_the_changes_already_made_by_earlier_files(corpus):
    edit(corpus, "documents/cn-2030-action-plan.yaml", "heading_en: Main targets\n", "heading_en: Changed\n")
    edit(corpus, "topics.yaml", "name_en: Carbon peaking and neutrality", "name_en: Changed")  # loaded before documents
    edit(
        corpus,
        "documents/industrial-carbon-peaking-2022.yaml",  # last in alphabetical order
        "  - kind: issued\n    date: '2022-07-07'\n",
        "  - kind: issued\n    date: '2022-07-77'\n",
    )
    before = snapshot()
    error = load_error(corpus)
    assert error.path.name == "industrial-carbon-peaking-2022.yaml"
    assert snapshot() == before
    assert provision("cn-2030-action-plan", "part_2").heading_en == "Main targets"


def test_an_error_in_the_glossary_loaded_last_of_all_undoes_every_document_change(corpus):
    edit(corpus, BATTERY_PLAN, "heading_en: Standards\n", "heading_en: Changed\n")
    edit(corpus, "glossary.yaml", "- slug: carbon-peaking\n", "- slug: carbon-peaking\n  colour: green\n")
    before = snapshot()
    error = load_error(corpus)
    assert (error.path.name, error.line) == ("glossary.yaml", 4)
    assert "unknown field(s) in a glossary term: colour" in error.message
    assert snapshot() == before


def test_a_file_broken_half_way_leaves_the_database_as_it_was(corpus):
    path = corpus / "documents/cn-2030-action-plan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    before = snapshot()
    with pytest.raises(CorpusError):
        load_corpus(corpus)
    assert snapshot() == before


# -- errors name the file, the line and the field -------------------------------------------


def test_an_unknown_industry_is_named_with_its_provision_file_and_line(corpus):
    path = edit(corpus, BATTERY_PLAN, "      - new-energy-vehicles\n", "      - space-mining\n")
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 41)
    assert str(error) == (
        f"{path}, line 41: unknown industry “space-mining” in provision “sec_1” (see industries.yaml)"
    )


def test_a_relation_to_a_document_that_does_not_exist_is_named(corpus):
    path = edit(corpus, BATTERY_PLAN, "to: industrial-carbon-peaking-2022#part_2__sec_7__item_2", "to: no-such-plan")
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 90)
    assert error.message == "to “no-such-plan”: no document “no-such-plan” in the corpus"


def test_a_relation_to_a_provision_that_does_not_exist_is_named(corpus):
    path = edit(
        corpus,
        BATTERY_PLAN,
        "to: industrial-carbon-peaking-2022#part_2__sec_7__item_2",
        "to: industrial-carbon-peaking-2022#part_9",
    )
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 90)
    assert error.message == (
        "to “industrial-carbon-peaking-2022#part_9”: "
        "document “industrial-carbon-peaking-2022” has no provision “part_9”"
    )


def test_a_duplicate_identifier_names_both_lines(corpus):
    path = edit(corpus, BATTERY_PLAN, "  - eid: sec_2\n", "  - eid: sec_1\n")
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 55)
    assert error.message == "duplicate identifier “sec_1” (first used on line 41)"


def test_a_malformed_identifier_is_refused(corpus):
    path = edit(corpus, BATTERY_PLAN, "  - eid: sec_2\n", "  - eid: Section 2\n")
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 55)
    assert "“Section 2” is not a valid identifier" in error.message


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2024-13-45", "date: “2024-13-45” is not a real date (month must be in 1..12)"),
        (
            "soon",
            "date: “soon” is not a date (write YYYY-MM-DD, or YYYY-MM or YYYY when only that much is known)",
        ),
    ],
)
def test_a_malformed_date_is_named_with_its_field(corpus, written, message):
    path = edit(corpus, BATTERY_PLAN, "    date: '2025-02-28'\n", f"    date: '{written}'\n")
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 22)  # the line where the event begins
    assert error.message.startswith(message)


def test_invalid_yaml_is_reported_with_its_line(corpus):
    path = edit(corpus, BATTERY_PLAN, "    heading_en: Standards\n", "    heading_en: Standards: for design\n")
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 81)
    assert error.message == "not valid YAML: mapping values are not allowed here"


def test_an_unknown_field_in_a_provision_is_named(corpus):
    path = edit(
        corpus, BATTERY_PLAN, "    heading_en: Standards\n", "    heading_en: Standards\n    heading_fr: Normes\n"
    )
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 78)
    assert error.message == "unknown field(s) in provision “sec_4”: heading_fr"


def test_an_unknown_field_in_a_document_is_named(corpus):
    path = edit(corpus, BATTERY_PLAN, "kind: action_plan\n", "kind: action_plan\npublisher: State Council\n")
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 4)
    assert error.message == "unknown field(s) in the document: publisher"


def test_an_unknown_field_in_a_target_is_named(corpus):
    path = edit(
        corpus,
        "documents/cn-2030-action-plan.yaml",
        "      - metric: energy consumption per unit of GDP\n",
        "      - metric: energy consumption per unit of GDP\n        deadline: 2025\n",
    )
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 111)
    assert error.message == "unknown field(s) in a target: deadline"


def test_a_target_whose_baseline_is_after_its_target_year_is_refused(corpus):
    path = edit(
        corpus,
        "documents/cn-2030-action-plan.yaml",
        "        baseline_year: 2020\n        target_year: 2025\n        value: 13.5\n",
        "        baseline_year: 2026\n        target_year: 2025\n        value: 13.5\n",
    )
    error = load_error(corpus)
    assert (error.path, error.line) == (path, 111)
    assert error.message == "baseline year 2026 is after target year 2025"


def test_a_missing_corpus_folder_is_an_error(tmp_path, db):
    error = load_error(tmp_path / "nowhere")
    assert "does not exist" in error.message


# -- export ---------------------------------------------------------------------------------


def corpus_files(folder: Path) -> dict[str, Path]:
    return {str(path.relative_to(folder)): path for path in sorted(folder.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, django_db_blocker):
    """The test database as loaded from fixtures/ by tests/conftest.py, exported once."""
    folder = tmp_path_factory.mktemp("exported")
    with django_db_blocker.unblock():
        export_corpus(folder)
    return folder


def test_exporting_the_loaded_corpus_reproduces_every_file_byte_for_byte(exported):
    expected, written = corpus_files(settings.CORPUS_DIR), corpus_files(exported)
    assert written.keys() == expected.keys()
    differing = [name for name, path in expected.items() if path.read_bytes() != written[name].read_bytes()]
    assert differing == []


def test_exporting_the_loaded_corpus_reproduces_the_content_of_every_file(exported):
    expected, written = corpus_files(settings.CORPUS_DIR), corpus_files(exported)
    assert written.keys() == expected.keys()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for name, path in expected.items():
        assert yaml.load(written[name].read_bytes(), Loader=loader) == yaml.load(path.read_bytes(), Loader=loader), name  # noqa: S506


# -- management commands --------------------------------------------------------------------


def test_the_load_command_loads_a_folder_and_reports_what_changed(corpus, capsys):
    edit(corpus, BATTERY_PLAN, "heading_en: Standards\n", "heading_en: Standards and footprints\n")
    call_command("load_regulations", str(corpus), verbosity=0)
    assert f"Loaded {corpus}: updated 1 provisions." in capsys.readouterr().out
    assert provision("cn-nev-battery-action-plan-2025", "sec_4").heading_en == "Standards and footprints"


def test_the_load_command_turns_a_corpus_error_into_a_command_error(corpus):
    edit(corpus, BATTERY_PLAN, "      - new-energy-vehicles\n", "      - space-mining\n")
    with pytest.raises(CommandError, match="^Nothing was loaded. .*unknown industry “space-mining”"):
        call_command("load_regulations", str(corpus), verbosity=0)


def test_the_export_command_writes_every_file(db, tmp_path, capsys):
    call_command("export_regulations", str(tmp_path), verbosity=0)
    assert corpus_files(tmp_path).keys() == corpus_files(settings.CORPUS_DIR).keys()
    assert f"Wrote {len(corpus_files(tmp_path))} files to {tmp_path}." in capsys.readouterr().out


def test_the_research_converter_writes_legal_events_and_a_rank(tmp_path):
    from regulations.corpus.research import ResearchConverter

    def document(slug, dates, status, **extra):
        return {
            "slug": slug, "doc_type": "joint ministerial measures", "topic": "battery_recycling",
            "title_en": slug, "issuers": [{"abbr": "MIIT", "en": "Ministry", "zh": "工业和信息化部"}],
            "jurisdiction": "CN", "level": "departmental normative document", "dates": dates, "status": status,
            "summary_en": "A summary.", "outline": [{"num": "1", "kind": "general", "heading_en": "General"}],
            **extra,
        }  # fmt: skip

    files = {
        "industries.yaml": {"industries": []},
        "glossary.yaml": {"terms": []},
        "cn-nev-battery-interim-measures-2018.yaml": document(
            "cn-nev-battery-interim-measures-2018",
            {"signed": "2018-01-26", "effective": "2018-08-01"},
            {"value": "in force", "superseded_by": "cn-nev-battery-recycling-measures-2026", "verified": False},
        ),
        "cn-nev-battery-recycling-measures-2026.yaml": document(
            "cn-nev-battery-recycling-measures-2026",
            {"consultation_draft": "2025-03-01", "issued": "2025-12-31", "verified": False},
            {"value": "in force"},
        ),
    }
    for name, data in files.items():
        (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    converted = ResearchConverter(tmp_path).convert()
    old = converted["documents/cn-nev-battery-interim-measures-2018.yaml"]
    assert not {"dates", "status", "superseded_by"} & set(old)
    assert old["rank"] == "normative_document"
    assert old["events"] == [
        {"kind": "signed", "date": "2018-01-26"},
        {"kind": "entry_into_force", "date": "2018-08-01"},
        # dated at the successor's issue, not its draft; unverified as the research's status was
        {"kind": "replaced", "date": "2025-12-31", "by": "cn-nev-battery-recycling-measures-2026", "verified": False},
    ]
    new = converted["documents/cn-nev-battery-recycling-measures-2026.yaml"]
    assert [e.get("verified", True) for e in new["events"]] == [False, False]
    assert {"slug": "based-on", "verb": "is based on", "reverse_verb": "is the legal basis of"} in converted[
        "relation-types.yaml"
    ]


# -- deletions are shown before they happen ---------------------------------------------------------------


def test_a_file_cut_short_at_a_line_break_is_refused_with_what_would_be_deleted(corpus):
    path = corpus / BATTERY_PLAN
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - eid: sec_4\n")], encoding="utf-8")  # truncated, still valid YAML
    before = snapshot()
    error = load_error(corpus)
    assert "this load would delete" in error.message and "--allow-deletions" in error.message
    assert "provision “" in error.message.split("would delete", 1)[1]
    assert snapshot() == before


def test_a_dry_run_lists_the_plan_and_changes_nothing(corpus):
    cut(corpus, BATTERY_PLAN, "  - eid: sec_4\n", "relations:\n")
    before = snapshot()
    report = load_corpus(corpus, dry_run=True)
    assert report.deleted == {"provisions": 1} and len(report.deletions) == 1
    assert report.deletions[0].startswith("provision “")
    assert snapshot() == before


def test_the_command_refuses_deletions_without_the_flag_and_prints_them_with_it(corpus, capsys):
    cut(corpus, BATTERY_PLAN, "  - eid: sec_4\n", "relations:\n")
    with pytest.raises(CommandError, match="Nothing was loaded. .*this load would delete 1 object"):
        call_command("load_regulations", str(corpus), verbosity=0)
    call_command("load_regulations", str(corpus), "--dry-run", verbosity=0)
    assert "would delete provision" in capsys.readouterr().out
    call_command("load_regulations", str(corpus), "--allow-deletions", verbosity=0)
    assert "deleted provision" in capsys.readouterr().out
    assert not Provision.objects.filter(document__slug="cn-nev-battery-action-plan-2025", eid="sec_4").exists()


def test_a_file_far_too_large_to_be_a_corpus_file_is_refused_before_it_is_parsed(corpus):
    path = corpus / "glossary.yaml"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("# " + "x" * 6_000_000 + "\n")
    error = load_error(corpus)
    assert (error.path, error.message) == (path, "the file is 6.0 MB; a corpus file is at most 5 MB")
