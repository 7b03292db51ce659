"""The analyzer Whoosh runs on every text field: ``search.query.analysis`` words, Porter-stemmed.

Whoosh pickles the analyzer into the index's schema, so ``MixedTokenizer``'s import path is part of
the index format: moving it needs a ``rebuild_index`` (the Makefile's index stamp lists this file).
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import Composable, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

from search.query.analysis import Word, words


@lru_cache(maxsize=100000)
def stem(word: str) -> str:
    return porter_stem(word)


def index_term(word: Word) -> str:
    """The term a word is indexed and searched as: Chinese words as they are, others stemmed."""
    return word.text if word.cjk else stem(word.text)


def index_terms(text: str) -> list[str]:
    return [index_term(word) for word in words(text)]


# The last text analysed: the match and positions fields receive the same string object in turn.
_last_analysis: tuple = (None, None, None, [])


class MixedTokenizer(Tokenizer):
    """Mixed English/Chinese words with sequential positions (see ``search.query.analysis``); sub-words
    of long Chinese words at the same position at index time only. Lower-cases and drops stop words."""

    def __init__(self, subwords: bool = True, stem_words: bool = True):
        self.subwords = subwords
        self.stem_words = stem_words

    def __eq__(self, other):
        return (
            other.__class__ is self.__class__
            and other.subwords == self.subwords
            and other.stem_words == self.stem_words
        )

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value.lower()
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        subwords = self.subwords and mode != "query"
        global _last_analysis
        cached = _last_analysis  # one read: another thread may replace it meanwhile
        if cached[0] is value and cached[1:3] == (subwords, start_pos):
            analysed = cached[3]
        else:
            analysed = list(words(value, subwords=subwords, start_pos=start_pos))
            _last_analysis = (value, subwords, start_pos, analysed)
        for word in analysed:
            token.text = index_term(word) if self.stem_words else word.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word.text
            if positions:
                token.pos = word.pos
            if chars:
                token.startchar = start_char + word.start
                token.endchar = start_char + word.end
            yield token

    def index_positions(self, value: str) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions, as this tokenizer yields them when indexing."""
        positions: dict[str, list[int]] = {}
        for word in words(value, subwords=self.subwords):
            term = index_term(word) if self.stem_words else word.text
            if term in positions:
                positions[term].append(word.pos)
            else:
                positions[term] = [word.pos]
        return positions


def MixedAnalyzer(subwords: bool = True, stem_words: bool = True) -> Composable:  # noqa: N802 (Whoosh style)
    return MixedTokenizer(subwords=subwords, stem_words=stem_words)
