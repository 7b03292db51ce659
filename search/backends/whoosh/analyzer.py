"""The analyzer Whoosh runs on every text field: ``search.query.analysis`` words, Porter-stemmed.

Whoosh pickles the analyzers into the index's schema, so the import paths of ``MixedTokenizer``,
``PairTokenizer`` and ``TripleTokenizer`` are part of the index format: moving them needs a
``rebuild_index`` (the Makefile's index stamp lists this file).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import product

from whoosh.analysis import Composable, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

from search.query.analysis import Word, word_lists, words


@lru_cache(maxsize=100000)
def stem(word: str) -> str:
    return porter_stem(word)


def index_term(word: Word) -> str:
    """The term a word is indexed and searched as: Chinese words as they are, others stemmed."""
    return word.text if word.cjk else stem(word.text)


def index_terms(text: str) -> list[str]:
    return [index_term(word) for word in words(text)]


# The last text analysed, by words and by terms: the match and pairs fields receive the same string
# object in turn.
_last_analysis: tuple = (None, None, None, [])
_last_terms: tuple = (None, None, ([], []))


def analysed(value: str, subwords: bool, start_pos: int = 0) -> list[Word]:
    """The words of ``value``, analysed once for the fields that are given the same string object."""
    global _last_analysis
    cached = _last_analysis  # one read: another thread may replace it meanwhile
    if cached[0] is value and cached[1:3] == (subwords, start_pos):
        return cached[3]
    found = list(words(value, subwords=subwords, start_pos=start_pos))
    _last_analysis = (value, subwords, start_pos, found)
    return found


def analysed_terms(value: str, subwords: bool, stem_words: bool) -> tuple[list[str], list[int]]:
    """The terms of ``value`` as a tokenizer yields them when indexing, and their positions: what the
    rebuild writes, with few Python steps per word (once for fields given the same string object)."""
    global _last_terms
    cached = _last_terms  # one read: another thread may replace it meanwhile
    if cached[0] is value and cached[1] == (subwords, stem_words):
        return cached[2]
    texts, positions, cjk = word_lists(value, subwords)
    if not stem_words:
        terms = texts
    elif any(cjk):
        terms = [text if chinese else stem(text) for text, chinese in zip(texts, cjk, strict=True)]
    else:
        terms = list(map(stem, texts))
    _last_terms = (value, (subwords, stem_words), (terms, positions))
    return terms, positions


def term_positions(terms: list[str], positions: list[int]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for term, pos in zip(terms, positions, strict=True):
        if term in found:
            found[term].append(pos)
        else:
            found[term] = [pos]
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

    def index_tokens(self, value: str) -> tuple[list[str], list[int]]:
        """The terms and positions this tokenizer yields for ``value`` when indexing, as two lists."""
        return analysed_terms(value, self.subwords, self.stem_words)

    def index_counts(self, value: str) -> dict[str, int]:
        """Each term of ``value`` with its frequency, as this tokenizer yields them when indexing."""
        return Counter(self.index_tokens(value)[0])

    def index_positions(self, value: str) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions, as this tokenizer yields them when indexing."""
        return term_positions(*self.index_tokens(value))


def pair_term(first: str, second: str) -> str:
    return f"{first} {second}"  # no term holds a space


def triple_term(first: str, second: str, third: str) -> str:
    return f"{first} {second} {third}"


class PairTokenizer(MixedTokenizer):
    """Each run of ``width`` neighbouring terms as one term ("emiss limit", "emiss limit valu" for three),
    at the first one's position: a phrase of n words is found from its runs, whose postings are far
    shorter than its words'. A long Chinese word's sub-words share its position, so a run takes each
    term at each of its positions."""

    width = 2

    def tokens(self, analysed_words: list[Word]) -> Iterator[tuple[str, Word, Word]]:
        columns: list[list[Word]] = []  # the words at each of the last positions, when they follow each other
        for word in analysed_words:
            if columns and columns[-1][0].pos == word.pos:
                columns[-1].append(word)
            else:
                if columns and columns[-1][0].pos != word.pos - 1:
                    columns = []
                columns = [*columns[-(self.width - 1) :], [word]]
            if len(columns) == self.width:
                for run in product(*columns[:-1]):
                    terms = [self.term(each) for each in run]
                    yield " ".join([*terms, self.term(word)]), run[0], word

    def index_tokens(self, value: str) -> tuple[list[str], list[int]]:
        terms, positions = analysed_terms(value, self.subwords, self.stem_words)
        width = self.width
        if not terms or positions[-1] - positions[0] == len(terms) - 1:
            # One term per position (nearly every text): the runs of the terms in order, at C speed.
            join = pair_term if width == 2 else triple_term
            return list(map(join, *(terms[start:] for start in range(width)))), positions[: len(positions) - width + 1]
        runs: list[str] = []
        starts: list[int] = []
        columns: list[list[str]] = []  # the terms at each of the last positions, when they follow each other
        current_pos = None
        for term, pos in zip(terms, positions, strict=True):
            if pos == current_pos:
                columns[-1].append(term)
            else:
                if current_pos != pos - 1:
                    columns = []
                columns = [*columns[-(width - 1) :], [term]]
                current_pos = pos
            if len(columns) == width:
                for run in product(*columns[:-1]):
                    runs.append(" ".join([*run, term]))
                    starts.append(pos - width + 1)
        return runs, starts


class TripleTokenizer(PairTokenizer):
    """Each three neighbouring terms as one term: a phrase of three words is one posting list."""

    width = 3


def MixedAnalyzer(subwords: bool = True, stem_words: bool = True) -> Composable:  # noqa: N802 (Whoosh style)
    return MixedTokenizer(subwords=subwords, stem_words=stem_words)


def PairAnalyzer() -> Composable:  # noqa: N802 (Whoosh style)
    return PairTokenizer(subwords=True, stem_words=True)


def TripleAnalyzer() -> Composable:  # noqa: N802 (Whoosh style)
    return TripleTokenizer(subwords=True, stem_words=True)
