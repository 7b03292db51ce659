"""Spelling corrections and autocomplete from ``pg_trgm`` indexes."""

from __future__ import annotations

from django.db import connection

from search.backends.postgres.documents import MIN_VOCABULARY_LENGTH, quoted_lexeme
from search.backends.postgres.schema import ENTRY_TABLE, MATCH_TABLE, WORD_TABLE, decoded
from search.backends.postgres.stemming import learn_stems, stem
from search.query.analysis import has_cjk, words
from search.results import Suggestion

MAX_SUGGEST_PREFIX = 100
FAVOURED_SUGGESTION_KINDS = ["glossary", "document"]  # autocomplete offers terms and documents first
MIN_SIMILARITY = 0.3


def corrections(typed: list[str]) -> dict[str, str]:
    """The vocabulary's closest word (trigram similarity, same first letter) for each typed word the
    index does not know."""
    candidates = [word.lower() for word in typed]
    candidates = [
        word for word in candidates if len(word) >= MIN_VOCABULARY_LENGTH and not has_cjk(word) and word.isalpha()
    ]
    if not candidates:
        return {}
    learn_stems(candidates)
    out = {}
    with connection.cursor() as cursor:
        for original, word in zip(typed, [w.lower() for w in typed], strict=True):
            if word not in candidates:
                continue
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {MATCH_TABLE} WHERE terms @@ %s::tsquery)",
                [quoted_lexeme(stem(word))],
            )
            if cursor.fetchone()[0]:
                continue
            cursor.execute(
                f"""SELECT word FROM {WORD_TABLE} WHERE word %% %s AND left(word, 1) = left(%s, 1)
                    AND similarity(word, %s) >= %s ORDER BY similarity(word, %s) DESC, word LIMIT 1""",
                [word, word, word, MIN_SIMILARITY, word],
            )
            found = cursor.fetchone()
            if found:
                out[original] = found[0]
    return out


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggestions(prefix: str, limit: int) -> list[Suggestion]:
    """Entries whose heading (or, for terms and documents, glossary names) has the typed words, the
    last one as a word start."""
    typed = [word.text for word in words(prefix[:MAX_SUGGEST_PREFIX])]
    if not typed:
        return []
    conditions = ["completion LIKE %s" for _ in typed]
    params = [f"% {_like_escaped(word)} %" for word in typed[:-1]] + [f"% {_like_escaped(typed[-1])}%"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT data FROM {ENTRY_TABLE} WHERE {" AND ".join(conditions)}
                ORDER BY kind = ANY(%s) DESC, completion LIKE %s DESC, length(completion), key LIMIT %s""",
            [*params, FAVOURED_SUGGESTION_KINDS, f"% {_like_escaped(typed[-1])} %", limit],
        )
        rows = [decoded(row[0]) for row in cursor.fetchall()]
    out = []
    for data in rows:
        label = data.get("title") or data.get("title_zh") or ""
        if has_cjk(prefix) and data.get("title_zh"):
            label = data["title_zh"]
        out.append(
            Suggestion(label=label, kind=data["kind"], url=data.get("url", ""), document=data.get("document", ""))
        )
    return out
