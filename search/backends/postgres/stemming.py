"""English stems from PostgreSQL's own Snowball stemmer (``english_stem``), asked in bulk and kept per
process. Chinese words are not stemmed: they arrive segmented by ``search.query.analysis`` (rjieba), as
for the Whoosh backend, so both backends match the same Chinese words.

Stems are computed in Python-visible form (not by ``to_tsvector``) because the index text is
segmented here, with positions, and the highlighter has to stem the words it marks the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db import connection

from search.query.analysis import Word, words

MAX_CACHED_STEMS = 200_000
_stems: dict[str, str] = {}
_lock = threading.Lock()


def learn_stems(latin_words: Iterable[str]) -> None:
    """Ask PostgreSQL once for the stems of the words not yet known."""
    missing = sorted({word for word in latin_words if word not in _stems})
    if not missing:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT word, (ts_lexize('english_stem', word))[1] FROM unnest(%s::text[]) AS word", [missing])
        found = cursor.fetchall()
    with _lock:
        if len(_stems) + len(found) > MAX_CACHED_STEMS:
            _stems.clear()
        # A Snowball stop word has no stem; our own (smaller) stop list decides what is dropped, so the
        # word stands for itself.
        _stems.update((word, stem or word) for word, stem in found)


def stem(word: str) -> str:
    """The stem of a word whose stem was learnt (``learn_stems``); asks PostgreSQL for any other."""
    known = _stems.get(word)
    if known is None:
        learn_stems([word])
        known = _stems.get(word, word)
    return known


def index_term(word: Word) -> str:
    return word.text if word.cjk else stem(word.text)


def index_terms(text: str) -> list[str]:
    analysed = list(words(text))
    learn_stems(word.text for word in analysed if not word.cjk)
    return [index_term(word) for word in analysed]
