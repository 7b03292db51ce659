"""The analyzer Whoosh runs on every text field: ``search.query.analysis`` words, Porter-stemmed.

Whoosh pickles the analyzers into the index's schema, so the import paths of ``MixedTokenizer`` and
``PairTokenizer`` are part of the index format: moving them needs a ``rebuild_index`` (the Makefile's
index stamp lists this file).
"""

from __future__ import annotations

from collections.abc import Iterator
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


# The last text analysed: the match and pairs fields receive the same string object in turn.
_last_analysis: tuple = (None, None, None, [])


def analysed(value: str, subwords: bool, start_pos: int = 0) -> list[Word]:
    """The words of ``value``, analysed once for the fields that are given the same string object."""
    global _last_analysis
    cached = _last_analysis  # one read: another thread may replace it meanwhile
    if cached[0] is value and cached[1:3] == (subwords, start_pos):
        return cached[3]
    found = list(words(value, subwords=subwords, start_pos=start_pos))
    _last_analysis = (value, subwords, start_pos, found)
    return found


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

    def term(self, word: Word) -> str:
        return index_term(word) if self.stem_words else word.text

    def tokens(self, analysed_words: list[Word]) -> Iterator[tuple[str, Word, Word]]:
        """Each token's term, with the first and the last word it stands for."""
        for word in analysed_words:
            yield self.term(word), word, word

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
        for term, first, last in self.tokens(analysed(value, subwords, start_pos)):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = first.text if first is last else pair_term(first.text, last.text)
            if positions:
                token.pos = first.pos
            if chars:
                token.startchar = start_char + first.start
                token.endchar = start_char + last.end
            yield token

    def index_positions(self, value: str) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions, as this tokenizer yields them when indexing."""
        positions: dict[str, list[int]] = {}
        for term, first, _last in self.tokens(analysed(value, self.subwords)):
            if term in positions:
                positions[term].append(first.pos)
            else:
                positions[term] = [first.pos]
        return positions


def pair_term(first: str, second: str) -> str:
    return f"{first} {second}"  # no term holds a space


class PairTokenizer(MixedTokenizer):
    """Each two neighbouring terms as one term ("emiss limit"), at the first one's position: a phrase of
    n words is found from its n - 1 pairs, whose postings are far shorter than its words'. A long
    Chinese word's sub-words share its position, so each term at a position pairs with each at the next."""

    def tokens(self, analysed_words: list[Word]) -> Iterator[tuple[str, Word, Word]]:
        before: list[Word] = []  # the words at the position before the current one
        current: list[Word] = []
        for word in analysed_words:
            if current and current[0].pos != word.pos:
                before, current = (current if current[0].pos == word.pos - 1 else []), []
            current.append(word)
            for first in before:
                yield pair_term(self.term(first), self.term(word)), first, word

    def index_positions(self, value: str) -> dict[str, list[int]]:
        analysed_words = analysed(value, self.subwords)
        if not analysed_words or analysed_words[-1].pos - analysed_words[0].pos != len(analysed_words) - 1:
            return super().index_positions(value)  # words sharing a position
        # One word per position (nearly every text): the pairs of the terms in order, at C speed.
        terms = list(map(self.term, analysed_words))
        positions: dict[str, list[int]] = {}
        for term, word in zip(map(pair_term, terms, terms[1:]), analysed_words, strict=False):
            if term in positions:
                positions[term].append(word.pos)
            else:
                positions[term] = [word.pos]
        return positions


def MixedAnalyzer(subwords: bool = True, stem_words: bool = True) -> Composable:  # noqa: N802 (Whoosh style)
    return MixedTokenizer(subwords=subwords, stem_words=stem_words)


def PairAnalyzer() -> Composable:  # noqa: N802 (Whoosh style)
    return PairTokenizer(subwords=True, stem_words=True)
