"""Matching, counting and ranking in one statement, with ranking bounded.

``ts_rank`` reads every ranked row's ``tsvector``: over all 200,000 matches of a common word that took
0.5–1 s. So the matched set (found through the GIN index of the narrow match rows) is counted from
those rows only (``matched_sql``), and at most ``RANKED_CANDIDATES`` matches are ranked: all of them
when fewer match, otherwise those with the highest precomputed ``prior`` (see ``documents.prior``).
Each one ranked costs reading its text back (TOAST, about 10 µs): at 200,000 entries the top ten of
1,000 candidates were those of 2,000 for 96% of the benchmark queries' hits, in half the ranking time.
"""

from __future__ import annotations

from search.backends.postgres.schema import FACET_SET_TABLE, MATCH_TABLE

RANKED_CANDIDATES = 1000
# ts_rank's normalisation 1: divide by 1 + log(length), so that long texts do not win by length alone.
LENGTH_NORMALISATION = 1


def weights(boosts: dict[str, float]) -> list[float]:
    """ts_rank's four weights ({D, C, B, A}, each at most 1) from the six field boosts: each weight
    takes the larger boost of the fields that share it (see ``documents.FIELD_WEIGHTS``)."""
    a = max(boosts.get("num", 0.0), boosts.get("heading", 0.0))
    b = max(boosts.get("glossary", 0.0), boosts.get("title", 0.0))
    c = boosts.get("body", 0.0)
    d = boosts.get("meta", 0.0)
    top = max(a, b, c, d) or 1.0
    return [d / top, c / top, b / top, a / top]


def score_factors(status_weights: dict[str, float], group_count: int, coordination: float) -> tuple[str, dict]:
    """SQL multiplying ``ts_rank`` (on ``entry``): the weight of the entry's status, and the share of the
    query's groups (parameters ``group_0``…, tsqueries) it matches to the power ``coordination``; and
    the parameters it adds."""
    sql, params = "", {}
    if status_weights:
        cases = []
        for number, (status, weight) in enumerate(sorted(status_weights.items())):
            params[f"status_{number}"] = [status]
            params[f"status_weight_{number}"] = weight
            cases.append(f"WHEN match.status && %(status_{number})s::text[] THEN %(status_weight_{number})s")
        sql += f" * (CASE {' '.join(cases)} ELSE 1.0 END)"
    if coordination and group_count > 1:
        matched = " + ".join(f"(match.document @@ %(group_{number})s::tsquery)::int" for number in range(group_count))
        params["coordination"] = coordination
        sql += f" * power(({matched})::real / {group_count}, %(coordination)s)"
    return sql, params


def matched_sql(match: str, recheck: str | None, ranked: bool, factors: str = "") -> str:
    """One statement answering (total, the number of matches of each facet list as JSON pairs, the
    ``limit`` best keys and scores as JSON, the file node of the facet list table).

    ``match`` is a condition on the narrow match rows (``match.terms`` through the GIN index);
    ``recheck``, when the lexemes alone do not decide (a long phrase), one on the entry's positions
    (``match.document``). Parameters: ``limit``, and for a ``ranked`` one ``weights`` and ``ranking`` (a
    tsquery) and those of the score ``factors`` (``score_factors``).

    The matches are counted once per facet list (``facet_set``; ``facets`` adds the lists up). Ranking
    reads the entries of at most ``RANKED_CANDIDATES`` matches, those of highest prior."""
    # Ranked matches are kept by their place in the table (``ctid``, which the statement's snapshot
    # keeps) rather than by key: a third of a common word's statement went to carrying every match's key.
    kept = "match.ctid AS place, match.prior" if ranked else "match.key"
    matched = f"SELECT {kept}, match.facet_set FROM {MATCH_TABLE} AS match WHERE {match}"
    if recheck is not None:
        matched += f" AND {recheck}"
    ctes = f"""matched AS MATERIALIZED ({matched}),
               counted AS MATERIALIZED (SELECT facet_set, count(*) AS number FROM matched GROUP BY facet_set),"""
    if not ranked:
        top = "SELECT key, 0.0 AS score FROM matched ORDER BY key LIMIT %(limit)s"
    else:
        top = f"""SELECT match.key, ts_rank(%(weights)s::real[], match.document, %(ranking)s::tsquery,
                                      {LENGTH_NORMALISATION}){factors} AS score
                  FROM (SELECT place FROM matched ORDER BY prior DESC, place LIMIT {RANKED_CANDIDATES}) AS candidate
                  JOIN {MATCH_TABLE} AS match ON match.ctid = candidate.place
                  ORDER BY score DESC, match.key LIMIT %(limit)s"""
    return f"""
        WITH {ctes}
             top AS ({top})
        SELECT (SELECT coalesce(sum(number), 0)::bigint FROM counted),
               (SELECT coalesce(json_agg(json_build_array(facet_set, number)), '[]'::json) FROM counted),
               (SELECT coalesce(json_agg(json_build_array(key, score) ORDER BY score DESC, key), '[]'::json)
                FROM top),
               pg_relation_filenode('{FACET_SET_TABLE}')
    """
