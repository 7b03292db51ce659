"""What every search backend must do. Subclass ``BackendContract`` and provide a ``contract_backend``
fixture (an empty index) to run these against another engine."""

import pytest

from search.notes import Note
from search.results import SearchHit, SearchResults
from search.service import search
from tests.search.conftest import make_record

RECORDS = [
    make_record(
        "provision:9001",
        "Collection network for waste batteries",
        "Producers shall set up recycling service outlets for waste traction batteries.",
        industry=["automotive"],
        document=["doc-a"],
        year=["2018"],
    ),
    make_record(
        "provision:9002",
        "排污许可证管理",
        "企业应当按照排污许可证的规定排放污染物。",
        industry=["steel"],
        document=["doc-b"],
        year=["2021"],
    ),
    make_record(
        "provision:9003",
        "Emission limit values",
        "The operator shall not exceed the emission limit value for particulate matter.",
        industry=["steel", "cement"],
        document=["doc-b"],
        year=["2021"],
    ),
    make_record("glossary:9004", "ＦＵＬＬ－ＷＩＤＴＨ ｔｅｒｍ", "Ｅｘｔｅｎｄｅｄ producer duties"),
]


class BackendContract:
    @pytest.fixture
    def filled(self, contract_backend):
        contract_backend.index(RECORDS)
        return contract_backend

    def keys(self, results):
        return [hit.key for hit in results.hits]

    def test_search_returns_plain_records(self, filled):
        results = search("batteries", backend=filled)
        assert isinstance(results, SearchResults)
        assert all(isinstance(hit, SearchHit) for hit in results.hits)
        assert self.keys(results) == ["provision:9001"]

    def test_english_words_are_stemmed(self, filled):
        assert self.keys(search("battery recycle", backend=filled)) == ["provision:9001"]

    def test_english_phrase_matches_in_order_only(self, filled):
        assert self.keys(search('"emission limit value"', backend=filled)) == ["provision:9003"]
        assert self.keys(search('"value limit emission"', backend=filled)) == []

    def test_a_phrase_is_not_found_in_its_word_pairs_apart(self, contract_backend):
        contract_backend.index(
            [
                make_record("provision:9101", "Apart", "The emission limit is set; the limit value applies."),
                make_record("provision:9102", "Overlapping", "An emission limit limit value, an emission limit value."),
                make_record("provision:9103", "Repeated", "Report a report, then report the findings."),
            ]
        )
        assert self.keys(search('"emission limit value"', backend=contract_backend)) == ["provision:9102"]
        assert self.keys(search('"limit limit value"', backend=contract_backend)) == ["provision:9102"]
        assert self.keys(search('"report report report"', backend=contract_backend)) == []
        assert self.keys(search('"report report"', backend=contract_backend)) == ["provision:9103"]

    def test_a_phrase_longer_than_three_words_matches_in_order_only(self, filled):
        # Every three-word run of the phrase is in it, but not the four words in a row.
        filled.index([make_record("provision:9006", "Limits", "Exceed emission limit. Emission limit value.")])
        assert self.keys(search('"exceed the emission limit value"', backend=filled)) == ["provision:9003"]
        assert self.keys(search('"emission limit value"', backend=filled)) == ["provision:9003", "provision:9006"]
        assert self.keys(search('"limit emission limit"', backend=filled)) == ["provision:9006"]

    def test_an_excluded_phrase_excludes_only_the_phrase(self, filled):
        filled.index([make_record("provision:9006", "Limits", "Exceed emission limit. Emission limit value.")])
        assert self.keys(search('emission -"limit value emission"', backend=filled)) == [
            "provision:9003",
            "provision:9006",
        ]
        assert self.keys(search('emission -"exceed the emission limit value"', backend=filled)) == ["provision:9006"]
        assert self.keys(search('emission -"emission limit value"', backend=filled)) == []

    def test_a_prefix_does_not_reach_facet_values(self, filled):
        assert search("industr*", backend=filled).total == 0
        assert search("steel*", backend=filled).total == 0

    def test_chinese_phrase_and_subword(self, filled):
        assert self.keys(search('"排污许可证"', backend=filled)) == ["provision:9002"]
        assert self.keys(search("许可证", backend=filled)) == ["provision:9002"]

    def test_full_width_text_and_queries_are_folded(self, filled):
        assert self.keys(search("extended", backend=filled)) == ["glossary:9004"]
        assert self.keys(search("ｅｘｔｅｎｄｅｄ", backend=filled)) == ["glossary:9004"]

    def test_filters_and_facet_counts(self, filled):
        results = search("emission OR batteries", filters={"industry": ["steel"]}, backend=filled)
        assert self.keys(results) == ["provision:9003"]
        all_results = search("emission OR batteries OR 排污", backend=filled)
        counts = {value.value: value.count for value in all_results.facets["industry"]}
        assert counts == {"steel": 2, "cement": 1, "automotive": 1}

    def test_entries_with_the_same_facet_values_are_each_counted(self, filled):
        same_values = {"industry": ["steel", "cement"], "document": ["doc-b"], "year": ["2021"]}
        filled.index([make_record("provision:9005", "Emission monitoring", "Emission records.", **same_values)])
        results = search("emission", backend=filled)
        assert results.total == 2
        assert {value.value: value.count for value in results.facets["industry"]} == {"steel": 2, "cement": 2}
        assert {value.value: value.count for value in results.facets["year"]} == {"2021": 2}

    def test_exclusion(self, filled):
        assert self.keys(search("shall -particulate", backend=filled)) == ["provision:9001"]

    def test_all_words_then_any_word(self, filled):
        results = search("batteries particulate", backend=filled)
        assert results.any_word
        assert set(self.keys(results)) == {"provision:9001", "provision:9003"}

    def test_prefix(self, filled):
        assert self.keys(search("partic*", backend=filled)) == ["provision:9003"]

    def test_snippets_are_escaped_and_marked(self, contract_backend):
        contract_backend.index([make_record("provision:9010", "Tags", "Use <script> tags & batteries here.")])
        snippet = search("batteries", backend=contract_backend).hits[0].snippet
        assert "&lt;script&gt;" in snippet and "<script>" not in snippet
        assert "<mark>batteries</mark>" in snippet

    def test_remove(self, filled):
        filled.remove(["provision:9001"])
        assert search("batteries", backend=filled).total == 0

    def test_refresh_writes_what_load_returns_and_removes_the_rest(self, filled):
        updated = make_record("provision:9003", "Emission limit values", "Now about mercury.", industry=["steel"])
        filled.refresh({"provision:9003", "provision:9001"}, lambda keys: [updated])
        assert self.keys(search("mercury", backend=filled)) == ["provision:9003"]
        assert search("batteries", backend=filled).total == 0

    def test_pagination(self, contract_backend):
        contract_backend.index([make_record(f"provision:{9100 + i}", f"Heading {i}", "common word") for i in range(25)])
        first = search("common", page=1, page_size=10, backend=contract_backend)
        third = search("common", page=3, page_size=10, backend=contract_backend)
        assert first.total == 25 and first.num_pages == 3
        assert len(third.hits) == 5
        assert not set(self.keys(first)) & set(self.keys(third))

    def test_suggest_by_prefix(self, filled):
        labels = [s.label for s in filled.suggest("collec")]
        assert labels == ["Collection network for waste batteries"]

    def test_check_reports_missing_stale_and_extra(self, filled):
        changed = make_record("provision:9003", "Emission limit values", "Changed text.")
        new = make_record("provision:9999", "New", "New text.")
        report = filled.check([RECORDS[0], RECORDS[1], changed, new])
        assert report.missing == ["provision:9999"]
        assert report.stale == ["provision:9003"]
        assert report.extra == ["glossary:9004"]

    def test_kind_filters_accept_exactly_their_kinds(self, filled):
        def found(query, **filters):
            return sorted(self.keys(search(query, filters=filters, backend=filled)))

        hit_kinds = ["provision", "document", "annotation"]
        assert found("producer", kind=hit_kinds) == ["provision:9001"]
        assert found("producer", kind=[*hit_kinds, "glossary"]) == ["glossary:9004", "provision:9001"]
        assert found("producer", kind=["glossary"]) == ["glossary:9004"]
        assert found("", kind=hit_kinds, industry=["steel"]) == ["provision:9002", "provision:9003"]
        assert found("", kind=[*hit_kinds, "glossary"], year=["2018"]) == ["provision:9001"]
        assert found("producer", kind=[*hit_kinds, "unknown"]) == ["provision:9001"]

    def test_updates_and_removals_after_a_rebuild_hide_the_old_entries(self, contract_backend):
        contract_backend.rebuild(iter(RECORDS), len(RECORDS))
        updated = make_record("provision:9003", "Emission limit values", "Now about mercury.", industry=["steel"])
        contract_backend.index([updated])
        contract_backend.remove(["provision:9002"])
        assert self.keys(search("emission OR particulate OR 排污", backend=contract_backend)) == ["provision:9003"]
        assert self.keys(search("batteries", backend=contract_backend)) == ["provision:9001"]
        steel = search("", filters={"industry": ["steel"]}, backend=contract_backend)
        assert self.keys(steel) == ["provision:9003"]
        assert {value.value: value.count for value in steel.facets["industry"]} == {"steel": 1}

    def test_rebuild_swaps_in_a_complete_new_index(self, filled):
        filled.rebuild(iter(RECORDS[:1]), 1)
        assert search("emission", backend=filled).total == 0
        assert self.keys(search("batteries", backend=filled)) == ["provision:9001"]


class TestPostgresBackend(BackendContract):
    @pytest.fixture
    def contract_backend(self, empty_postgres_backend):
        return empty_postgres_backend

    def test_entries_are_written_in_the_callers_transaction(self, contract_backend):
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            contract_backend.index(RECORDS)
            assert self.keys(search("batteries", backend=contract_backend)) == ["provision:9001"]
            raise RuntimeError("the save failed")
        assert search("batteries", backend=contract_backend).total == 0

    def rows(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT entry.key, entry.data, match.document::text, match.terms::text, match.prior, match.status,
                          set.facets
                   FROM search_pg_entry AS entry JOIN search_pg_match AS match ON match.key = entry.key
                   JOIN search_pg_facet_set AS set ON set.id = match.facet_set ORDER BY entry.key"""
            )
            return cursor.fetchall()

    def test_a_rebuild_analysing_in_two_processes_writes_what_one_process_writes(self, contract_backend, monkeypatch):
        from search.backends.postgres import analysis_helper

        contract_backend.rebuild(iter(RECORDS), len(RECORDS))
        one_process = self.rows()
        monkeypatch.setattr(analysis_helper, "PARALLEL_FROM", 0)
        monkeypatch.setattr(analysis_helper, "BATCH", 1)
        contract_backend.rebuild(iter(RECORDS), len(RECORDS))
        assert self.rows() == one_process
        assert self.keys(search('"emission limit value"', backend=contract_backend)) == ["provision:9003"]

    def test_live_writes_and_a_rebuild_write_the_same_rows(self, filled):
        written = self.rows()
        filled.rebuild(iter(RECORDS), len(RECORDS))
        assert self.rows() == written

    def test_the_migration_makes_the_match_lexemes_a_rebuild_makes(self, filled):
        from importlib import import_module

        from django.db import connection

        migration = import_module("search.migrations.0009_postgres_match_rows")
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT match.key FROM search_pg_match AS match
                    JOIN search_pg_facet_set AS facet_set ON facet_set.id = match.facet_set
                    WHERE match.terms <> {migration.match_terms_sql("match.document", "facet_set.facets")}"""
            )
            assert cursor.fetchall() == []
            cursor.execute("SELECT count(*) FROM search_pg_match")
            assert cursor.fetchone()[0] == len(RECORDS)

    def test_removing_an_entry_removes_its_match_row(self, filled):
        from django.db import connection

        filled.remove(["provision:9003"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT key FROM search_pg_match ORDER BY key")
            assert [key for (key,) in cursor.fetchall()] == ["glossary:9004", "provision:9001", "provision:9002"]

    def test_facets_after_a_rebuild_are_counted_by_the_new_lists(self, filled):
        filled.rebuild(iter(RECORDS), len(RECORDS))
        search("emission OR batteries OR 排污", backend=filled)  # this table's lists are kept; ids from 1
        moved = [
            make_record("provision:9001", "Collection network", "Waste batteries.", industry=["cement"]),
            make_record("provision:9003", "Emission limit values", "Particulate matter.", industry=["paper"]),
        ]
        filled.rebuild(iter(moved), len(moved))  # other lists, with the same ids
        results = search("emission OR batteries", backend=filled)
        assert {value.value: value.count for value in results.facets["industry"]} == {"cement": 1, "paper": 1}

    def test_a_search_whose_facet_table_was_swapped_meanwhile_is_answered_again(self, filled, monkeypatch):
        from search.backends.postgres.facets import FacetLists, FacetTableReplaced

        values, calls = FacetLists.values, []

        def swapped_once(self, file_node, ids):
            calls.append(file_node)
            if len(calls) == 1:
                raise FacetTableReplaced
            return values(self, file_node, ids)

        monkeypatch.setattr(FacetLists, "values", swapped_once)
        results = search("emission OR batteries OR 排污", backend=filled)
        assert len(calls) == 2
        assert {value.value: value.count for value in results.facets["industry"]} == {
            "steel": 2,
            "cement": 1,
            "automotive": 1,
        }

    def test_a_search_over_its_time_limit_says_so(self, filled, monkeypatch):
        from search.backends.postgres import backend as postgres_backend

        monkeypatch.setattr(
            postgres_backend, "matched_sql", lambda *args: "SELECT 0, '[]'::json, '[]'::json, 0 FROM pg_sleep(2)"
        )
        results = search("batteries", time_limit=0.05, backend=filled)
        assert results.timed_out and results.hits == []
        assert Note("timed_out") in results.notes

    def test_a_search_over_its_time_limit_is_not_run_again(self, filled, monkeypatch):
        from search.backends.postgres import backend as postgres_backend

        statements = []

        def slow(*args):
            statements.append(args)
            return "SELECT 0, '[]'::json, '[]'::json, 0 FROM pg_sleep(2)"

        monkeypatch.setattr(postgres_backend, "matched_sql", slow)
        assert search("batteries", time_limit=0.05, backend=filled).timed_out
        assert len(statements) == 1

    def test_a_sqlite_database_is_refused_with_what_to_set(self, settings, monkeypatch):
        from django.core.exceptions import ImproperlyConfigured
        from django.db import connection

        from search.backends.postgres import Backend

        monkeypatch.setattr(connection, "vendor", "sqlite")
        with pytest.raises(ImproperlyConfigured, match="DATABASE_URL=postgres://"):
            Backend("misconfigured", {})


class TestWhooshBackend(BackendContract):
    @pytest.fixture
    def contract_backend(self, empty_backend):
        return empty_backend

    def test_index_survives_reopening_in_a_new_backend_object(self, filled):
        from search.backends.whoosh import Backend

        again = Backend("other", {"PATH": filled.path})
        assert [hit.key for hit in search("batteries", backend=again).hits] == ["provision:9001"]

    def test_a_search_over_its_time_limit_answers_what_it_found_in_time_and_says_so(self, filled):
        results = search('"recycling service outlets for waste traction batteries"', time_limit=1e-9, backend=filled)
        assert results.timed_out
        assert Note("timed_out_partial") in results.notes
        assert search('"recycling service outlets for waste traction batteries"', backend=filled).hits

    def test_a_phrase_may_start_or_end_on_a_sub_word_of_a_long_chinese_word(self, filled):
        assert self.keys(search('"许可证 管理"', backend=filled)) == ["provision:9002"]
        assert self.keys(search('"管理 许可证"', backend=filled)) == []

    def test_a_three_word_phrase_may_run_through_a_sub_word_of_a_long_chinese_word(self, filled):
        assert self.keys(search('"排污 许可 管理"', backend=filled)) == ["provision:9002"]
        assert self.keys(search('"排污 许可证 管理"', backend=filled)) == ["provision:9002"]
        assert self.keys(search('"管理 排污 许可"', backend=filled)) == []

    def test_an_index_with_other_fields_is_reported_and_rebuilt(self, db, tmp_path):
        """An index written before its fields changed (here: word positions where word pairs are now)
        would answer every phrase with nothing: opening it names the way out instead."""
        import os

        from whoosh import index as whoosh_index
        from whoosh.fields import TEXT

        from search.backends.base import IndexFormatError
        from search.backends.whoosh import Backend
        from search.backends.whoosh.schema import PAIRS_FIELD, build_schema

        schema = build_schema()
        schema.remove(PAIRS_FIELD)
        schema.add("allpos", TEXT(phrase=True))
        old = tmp_path / "index" / "gen-old"
        old.mkdir(parents=True)
        whoosh_index.create_in(str(old), schema)
        os.symlink(old.name, tmp_path / "index" / "current")

        backend = Backend("old", {"PATH": tmp_path / "index"})
        with pytest.raises(IndexFormatError, match=f"no field {PAIRS_FIELD}; an unknown field allpos.*rebuild_index"):
            search('"emission limit value"', backend=backend)
        with pytest.raises(IndexFormatError):
            backend.index(RECORDS)
        backend.rebuild(iter(RECORDS), len(RECORDS))
        assert self.keys(search('"emission limit value"', backend=backend)) == ["provision:9003"]

    def test_an_index_without_word_triples_is_reported(self, db, tmp_path):
        """The layout before phrases of three words were looked up by their triples."""
        import os

        from whoosh import index as whoosh_index

        from search.backends.base import IndexFormatError
        from search.backends.whoosh import Backend
        from search.backends.whoosh.schema import TRIPLES_FIELD, build_schema

        schema = build_schema()
        schema.remove(TRIPLES_FIELD)
        old = tmp_path / "index" / "gen-old"
        old.mkdir(parents=True)
        whoosh_index.create_in(str(old), schema)
        os.symlink(old.name, tmp_path / "index" / "current")
        with pytest.raises(IndexFormatError, match=f"no field {TRIPLES_FIELD}.*rebuild_index"):
            search('"emission limit value"', backend=Backend("old", {"PATH": tmp_path / "index"}))

    def test_an_index_whose_pickled_names_moved_is_reported_and_rebuilt(self, db, tmp_path, monkeypatch):
        """Whoosh pickles the analyzer into the index: after a move of that class, opening an old index
        names the way out, and a rebuild (which never reads the old index) replaces it."""
        import os
        import sys
        import types

        from whoosh import index as whoosh_index
        from whoosh.analysis import RegexTokenizer
        from whoosh.fields import ID, TEXT, Schema

        from search.backends.base import IndexFormatError
        from search.backends.whoosh import Backend

        moved = types.ModuleType("search_analyzer_that_moved")
        tokenizer = type("Tokenizer", (RegexTokenizer,), {"__module__": moved.__name__})
        moved.Tokenizer = tokenizer
        monkeypatch.setitem(sys.modules, moved.__name__, moved)
        old = tmp_path / "index" / "gen-old"
        old.mkdir(parents=True)
        whoosh_index.create_in(str(old), Schema(key=ID(unique=True, stored=True), body=TEXT(analyzer=tokenizer())))
        os.symlink(old.name, tmp_path / "index" / "current")
        monkeypatch.delitem(sys.modules, moved.__name__)

        backend = Backend("old", {"PATH": tmp_path / "index"})
        with pytest.raises(IndexFormatError, match="rebuild_index"):
            search("batteries", backend=backend)
        with pytest.raises(IndexFormatError):
            backend.exists()
        backend.rebuild(iter(RECORDS), len(RECORDS))
        assert self.keys(search("batteries", backend=backend)) == ["provision:9001"]
