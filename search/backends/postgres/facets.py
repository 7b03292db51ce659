"""Facet counts as the service expects them, from the matches counted per facet list (``facet_set``).

SQL counts the matches of each list of values; the lists themselves are tallied here, from a copy kept
per process: unnesting a few thousand lists in SQL took 15–50 ms of a common word's search at 200,000
entries, adding them up here takes a few. A list's id names the same values for as long as its table
lives (lists are only added); a rebuild swaps in a new table, with another file node, and the copy is
dropped.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from django.db import connection

from search.backends.postgres.documents import FACET_SEPARATOR
from search.backends.postgres.schema import FACET_SET_TABLE
from search.results import FacetValue


class FacetTableReplaced(Exception):
    """The facet list table was swapped by a rebuild between a search's statements: search again."""


class FacetLists:
    def __init__(self):
        self._file_node: int | None = None
        self._lists: dict[int, list[str]] = {}
        self._lock = threading.Lock()

    def values(self, file_node: int, ids: list[int]) -> dict[int, list[str]]:
        """The ``name=value`` strings of these lists of the table whose file node the search saw."""
        with self._lock:
            if file_node != self._file_node:
                self._file_node, self._lists = file_node, {}
            known = self._lists
            missing = [number for number in ids if number not in known]
        if missing:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT pg_relation_filenode(%s), id, facets FROM {FACET_SET_TABLE} WHERE id = ANY(%s)",
                    [FACET_SET_TABLE, missing],
                )
                rows = cursor.fetchall()
            if any(node != file_node for node, *_ in rows) or len(rows) != len(missing):
                raise FacetTableReplaced
            with self._lock:
                if file_node == self._file_node:
                    self._lists.update((number, facets) for _, number, facets in rows)
            known = {**known, **{number: facets for _, number, facets in rows}}
        return known


def facet_values(
    counted: list, lists: dict[int, list[str]], names: list[str], filters: dict[str, list[str]]
) -> dict[str, list[FacetValue]]:
    """Each asked facet's values among the matches, most frequent first (years newest first), from the
    number of matches (``counted``: pairs of list id and number) of each facet list."""
    numbers: dict[str, int] = defaultdict(int)
    for number, matches in counted:
        for joined in lists[number]:
            numbers[joined] += matches
    by_name: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for joined, number in numbers.items():
        name, _, value = joined.partition(FACET_SEPARATOR)
        by_name[name].append((value, number))
    out = {}
    for name in names:
        counts = by_name.get(name, [])
        if name == "year":
            ordered = sorted(counts, key=lambda item: item[0], reverse=True)
        else:
            ordered = sorted(counts, key=lambda item: (-item[1], item[0]))
        chosen = set(filters.get(name, []))
        out[name] = [FacetValue(value=value, label=value, count=n, selected=value in chosen) for value, n in ordered]
    return out
