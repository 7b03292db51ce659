"""Facet counts as the service expects them, from the ``name=value`` counts SQL tallied."""

from __future__ import annotations

from collections import defaultdict

from search.backends.postgres.documents import FACET_SEPARATOR
from search.results import FacetValue


def facet_values(counted: list, names: list[str], filters: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
    """Each asked facet's values among the matches, most frequent first (years newest first)."""
    by_name: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for joined, number in counted:
        name, _, value = joined.partition(FACET_SEPARATOR)
        by_name[name].append((value, int(number)))
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
