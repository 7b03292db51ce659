"""The PostgreSQL backend: ``search.backends.base.SearchBackend`` on tables of the project's own
database (``BACKEND: "search.backends.postgres"``).

Entries are written in the caller's transaction (``writes_in_transaction``): a save and its index
entries commit or roll back together. Words, phrases of up to three words, facet filters and excluded
words are all answered by the GIN index of the narrow match rows (``schema``, ``query``); SQL counts the
matched set per facet list, and ``facets`` adds the lists up; ranking is bounded (``ranking``); only
the page shown is highlighted, by the highlighter the Whoosh backend uses too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection, transaction

from search.backends.base import Progress, Record, SearchBackend
from search.backends.highlighting import Highlighter
from search.backends.postgres import writing
from search.backends.postgres.facets import FacetLists, FacetTableReplaced, facet_values
from search.backends.postgres.query import (
    Condition,
    excluded_condition,
    filter_tsquery,
    group_condition,
    joined,
    ranking_tsquery,
)
from search.backends.postgres.ranking import matched_sql, score_factors, weights
from search.backends.postgres.schema import ENTRY_TABLE, MATCH_TABLE, decoded
from search.backends.postgres.stemming import index_terms, learn_stems, stem
from search.backends.postgres.suggestions import corrections, suggestions
from search.notes import Note
from search.query.analysis import LATIN_WORD_RE, fold
from search.results import MatchedIn, SearchHit, SearchPlan, SearchResults, Suggestion

SHOWN_TEXT_FIELDS = ("text", "title", "title_zh", "document")
SEARCH_WORK_MEM = "32MB"
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement stopped by statement_timeout


class Backend(SearchBackend):
    writes_in_transaction = True

    def __init__(self, name: str, params: dict):
        super().__init__(name, params)
        alias = params.get("DATABASE", "default")
        self.path = f"the {ENTRY_TABLE} table of the “{alias}” database"
        self.facet_lists = FacetLists()
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                "The PostgreSQL search backend (SEARCH_BACKEND=postgres) needs a PostgreSQL database: set "
                "DATABASE_URL=postgres://… or leave SEARCH_BACKEND unset for the Whoosh index."
            )

    # -- writing ------------------------------------------------------------------------------------
    def index(self, records: Iterable[Record]) -> int:
        return writing.write(records)

    def remove(self, keys: Iterable[str]) -> int:
        return writing.delete(keys)

    def refresh(self, keys: set[str], load: Callable[[set[str]], list[Record]]) -> None:
        # The caller's transaction (or this one) holds the row locks the writes take, so of two
        # concurrent writers of an entry the later one writes the later state. No savepoint of its own:
        # a failure fails the caller's transaction, as it must (the index never disagrees with the data).
        with transaction.atomic(savepoint=False):
            records = load(set(keys))
            writing.write(records)
            writing.delete(set(keys) - {record["key"] for record in records})

    def rebuild(self, records: Iterable[Record], total: int, progress: Progress | None = None) -> None:
        writing.rebuild(records, total, progress)

    def digests(self) -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, digest FROM {ENTRY_TABLE}")
            return dict(cursor.fetchall())

    def exists(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [ENTRY_TABLE])
            return cursor.fetchone()[0]

    def generation(self):
        """Changes with every committed write of the entry table (its row statistics and size)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_tup_ins, n_tup_upd, n_tup_del, pg_relation_filenode(relid) FROM pg_stat_user_tables "
                "WHERE relname = %s",
                [ENTRY_TABLE],
            )
            return cursor.fetchone()

    # -- reading ------------------------------------------------------------------------------------
    def analyze(self, text: str) -> list[str]:
        return index_terms(text)

    def execute(self, plan: SearchPlan) -> SearchResults:
        try:
            return self._execute(plan)
        except FacetTableReplaced:
            return self._execute(plan)  # a rebuild was swapped in during the search: once more, on it

    def _execute(self, plan: SearchPlan) -> SearchResults:
        results = SearchResults(query=plan.parsed.display(), total=0, page=plan.page, page_size=plan.page_size, hits=[])
        groups = [part for part in map(group_condition, plan.groups) if part is not None]
        excluded = excluded_condition(plan.parsed.excluded)
        offset = (plan.page - 1) * plan.page_size
        limit = offset + plan.page_size + len(plan.pinned)
        matched = self._matched(joined(groups, "&"), excluded, plan, limit, groups)
        if matched is not None and not matched[0] and plan.any_word_fallback and len(groups) > 1:
            matched = self._matched(joined(groups, "|"), excluded, plan, limit, groups)
            results.any_word = bool(matched and matched[0])
        if matched is None:
            results.timed_out = True
            results.notes.append(Note("timed_out"))
            return results
        total, counted, scored, facet_table = matched
        results.total = total
        if plan.facets:
            lists = self.facet_lists.values(facet_table, [number for number, _ in counted])
            results.facets = facet_values(counted, lists, plan.facets, plan.filters)

        pinned, unmatched_pins = self._present(plan.pinned, joined(groups, "&"), excluded)
        page_hits = [(key, 0.0, True) for key in pinned][offset : offset + plan.page_size]
        skip = max(0, offset - len(pinned))
        wanted = plan.page_size - len(page_hits)
        if wanted > 0:
            ranked = [(key, score, False) for key, score in scored if key not in pinned]
            page_hits += ranked[skip : skip + wanted]
        results.total += unmatched_pins
        results.hits = self._hits(plan, page_hits)
        return results

    def _matched(
        self, words: Condition | None, excluded: Condition | None, plan: SearchPlan, limit: int, groups: list[Condition]
    ):
        match_parts, recheck_parts, params = [], [], {}
        if words is not None:
            match_parts.append(words.match)
            if not words.exact:
                recheck_parts.append("match.document @@ %(words)s::tsquery")
                params["words"] = words.text
        if excluded is not None:
            if excluded.exact:
                match_parts.append(f"!({excluded.match})")
            else:
                recheck_parts.append("NOT (match.document @@ %(excluded)s::tsquery)")
                params["excluded"] = excluded.text
        filters = filter_tsquery(plan.filters, narrowed=words is not None)
        if filters is not None:
            match_parts.append(filters)
        match = "TRUE"
        if match_parts:
            match = "match.terms @@ %(match)s::tsquery"
            params["match"] = " & ".join(f"({part})" for part in match_parts)
        recheck = " AND ".join(recheck_parts) or None
        ranking = None
        if words is not None:
            ranking = ranking_tsquery(plan.groups, plan.synonym_clauses) or ranking_tsquery(plan.groups)
        params.update(limit=limit, weights=weights(plan.boosts), ranking=ranking)
        factors, factor_params = score_factors(plan.status_weights, len(groups), plan.coordination)
        params.update(factor_params, **{f"group_{number}": group.text for number, group in enumerate(groups)})
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                settings = {
                    # A common word matches most rows, and the planner then reads the table from end to
                    # end, detoasting every row's lexemes to test them; the GIN index answers without them.
                    "enable_seqscan": "off",
                    # Enough memory that the bitmap of a common word's matches stays exact (a lossy one has
                    # every row of its pages re-tested on the texts).
                    "work_mem": SEARCH_WORK_MEM,
                    # No parallel workers on a small machine.
                    "max_parallel_workers_per_gather": "0",
                    # The statement is costed high (it reads every match), so PostgreSQL would compile it
                    # to machine code first: 15–20 ms, longer than running it takes on most queries.
                    "jit": "off",
                }
                if plan.time_limit:
                    settings["statement_timeout"] = f"{plan.time_limit * 1000:.0f}"
                # One round trip for all of them, each for this transaction only.
                cursor.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
                    [part for setting in settings.items() for part in setting],
                )
                sql = matched_sql(match, recheck, ranking is not None, factors)
                cursor.execute(sql, params)
                total, counted, scored, facet_table = cursor.fetchone()
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != QUERY_CANCELED:
                raise
            return None  # the time limit ran out
        return total, decoded(counted), [(key, float(score)) for key, score in decoded(scored)], facet_table

    def _present(self, keys: list[str], words: Condition | None, excluded: Condition | None) -> tuple[list[str], int]:
        """The pinned keys that are indexed and not removed by an excluded word, in their order, and how
        many of them the words did not match (they add to the total)."""
        if not keys:
            return [], 0
        matches = "document @@ %s::tsquery" if words is not None else "TRUE"
        sql = f"SELECT key, {matches} FROM {MATCH_TABLE} WHERE key = ANY(%s)"
        params: list = ([words.text] if words is not None else []) + [keys]
        if excluded is not None:
            sql += " AND NOT (document @@ %s::tsquery)"
            params.append(excluded.text)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = dict(cursor.fetchall())
        present = [key for key in dict.fromkeys(keys) if key in found]
        return present, sum(not found[key] for key in present)

    def _hits(self, plan: SearchPlan, page_hits: list[tuple[str, float, bool]]) -> list[SearchHit]:
        if not page_hits:
            return []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, data FROM {ENTRY_TABLE} WHERE key = ANY(%s)", [[key for key, *_ in page_hits]])
            data_by_key = {key: decoded(data) for key, data in cursor.fetchall()}
        # One question to PostgreSQL for the stems of every word the highlighter will look at.
        learn_stems(
            match.group()
            for data in data_by_key.values()
            for name in SHOWN_TEXT_FIELDS
            for match in LATIN_WORD_RE.finditer(fold(data.get(name) or ""))
        )
        highlighter = Highlighter(plan, stem)
        hits = []
        for key, score, pinned in page_hits:
            data = data_by_key[key]
            snippet, matched_in = highlighter.explain(data)
            hits.append(
                SearchHit(
                    key=key,
                    kind=data["kind"],
                    title=data.get("title") or data.get("title_zh") or "",
                    document=data.get("document", ""),
                    document_slug=data.get("document_slug", ""),
                    num=data.get("num", ""),
                    url=data.get("url", ""),
                    snippet=snippet,
                    score=round(score, 4),
                    matched_in=([MatchedIn("document_number")] if pinned else []) + matched_in,
                    pinned=pinned,
                    status=data.get("status", ""),
                    status_label=data.get("status_label", ""),
                    status_badge=data.get("status_badge", ""),
                    eid=data.get("eid", ""),
                    citation=data.get("citation") or data.get("num", ""),
                    part=data.get("part", ""),
                    position=data.get("position", 0),
                )
            )
        return hits

    def correct(self, typed: list[str]) -> dict[str, str]:
        return corrections(typed)

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        return suggestions(prefix, limit)
