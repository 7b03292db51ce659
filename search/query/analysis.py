"""Text analysis shared by the index, the query parser and the highlighter (no Whoosh here).

Mixed English/Chinese text is split into words with sequential positions: Latin-script words by a
regular expression, CJK runs by rjieba (precise mode, no HMM, so the same text always segments the
same way at index and at query time). At index time a long Chinese word also yields its dictionary
sub-words at the *same* position, so 许可证 finds 排污许可证 while phrase queries keep working.

Folding keeps string length unchanged (one character in, one out), so character offsets found on
folded text are valid on the original text: that is what the highlighter relies on.
"""

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from regulations.text.cjk import HAN

CJK_RE = re.compile(f"[{HAN}]")
_TOKEN_RE = re.compile(rf"([{HAN}]+)|([^\W{HAN}]+(?:\.[^\W{HAN}]+)*)")
_CJK_RUN_RE = re.compile(f"([{HAN}]+)")
LATIN_WORD_RE = re.compile(rf"[^\W{HAN}]+(?:\.[^\W{HAN}]+)*")

# Small on purpose: "not", "may" and "shall" carry meaning in regulations.
EN_STOP = frozenset("a an and are as at be by for from in into is it its of on or that the their this to with".split())
ZH_STOP = frozenset("的 了 和 与 及 或 等 之 其 在 对 由 按 为 将 被 是".split())
STOP_WORDS = EN_STOP | ZH_STOP


def _fold_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table[0x3000] = " "  # ideographic space
    for quote in "“”„‟＂「」『』":
        table[ord(quote)] = '"'
    for dash in "‐‑‒–—―−":
        table[ord(dash)] = "-"
    for bracket, plain in (("〔", "("), ("〕", ")"), ("【", "("), ("】", ")"), ("［", "("), ("］", ")")):
        table[ord(bracket)] = plain
    return table


_FOLD = _fold_table()
_FOLDED_RE = re.compile("[" + re.escape("".join(map(chr, _FOLD))) + "]")  # translating is slow: only when needed


def fold_width(text: str) -> str:
    """Full-width to half-width, typographic quotes and dashes to ASCII; same length, case kept."""
    text = str(text)  # a lazy translation too
    return text.translate(_FOLD) if _FOLDED_RE.search(text) else text


def fold(text: str) -> str:
    """Full-width to half-width, typographic quotes and dashes to ASCII, lower case; same length."""
    folded = fold_width(text)
    # str.lower() keeps the length for everything but a handful of characters (İ): keep those as they are.
    lowered = folded.lower()
    if len(lowered) != len(folded):
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in folded)
    return lowered


def strip_controls(text: str) -> str:
    """Drop control, format and private-use characters (keep ordinary whitespace as spaces)."""
    out = []
    for ch in text:
        if ch in "\t\n\r":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


class _Segmenter:
    def __init__(self):
        import rjieba

        self._jieba = rjieba.Jieba()
        self.has_word = self._jieba.has_word

    def tokenize(self, run: str) -> list[tuple[str, int, int]]:
        return self._jieba.tokenize(run, "default", False)


_segmenter: _Segmenter | None = None


def segmenter() -> _Segmenter:
    global _segmenter
    if _segmenter is None:
        _segmenter = _Segmenter()
    return _segmenter


@lru_cache(maxsize=20000)
def _segment_run(run: str, subwords: bool) -> tuple[tuple[str, int, int, bool], ...]:
    seg = segmenter()
    out = []
    for word, start, end in seg.tokenize(run):
        out.append((word, start, end, False))
        if subwords and len(word) > 2:
            for size in (2, 3):
                if len(word) <= size:
                    break
                for i in range(len(word) - size + 1):
                    piece = word[i : i + size]
                    if seg.has_word(piece):
                        out.append((piece, start + i, start + i + size, True))
    return tuple(out)


class Word(NamedTuple):
    text: str  # folded, lower case, not stemmed
    pos: int  # sequential position; a sub-word shares its word's position
    start: int  # character offsets in the original text
    end: int
    cjk: bool
    sub: bool  # a dictionary sub-word of a longer Chinese word


def words(text: str, subwords: bool = False, stoplist: frozenset = STOP_WORDS, start_pos: int = 0) -> Iterator[Word]:
    """Split folded text into words; stop words are dropped without leaving a gap in positions."""
    pos = start_pos
    for match in _TOKEN_RE.finditer(fold(text)):
        latin = match.group(2)
        if latin is not None:
            if latin in stoplist:
                continue
            yield Word(latin, pos, match.start(), match.end(), False, False)
            pos += 1
            continue
        base = match.start()
        last_main = None
        for word, start, end, sub in _segment_run(match.group(1), subwords):
            if sub:
                if last_main is not None:
                    yield Word(word, last_main, base + start, base + end, True, True)
                continue
            if word in stoplist:
                last_main = None
                continue
            yield Word(word, pos, base + start, base + end, True, False)
            last_main = pos
            pos += 1


def word_lists(text: str, subwords: bool = False) -> tuple[list[str], list[int], list[bool]]:
    """What ``words`` yields, as three lists (the words' texts, positions, and whether each is Chinese),
    built with few Python steps per word: for indexing whole texts."""
    texts: list[str] = []
    positions: list[int] = []
    cjk: list[bool] = []
    pos = 0
    # Even pieces lie between the CJK runs (the odd ones): no Latin word spans a run.
    for index, piece in enumerate(_CJK_RUN_RE.split(fold(text))):
        if index % 2 == 0:
            found = [word for word in LATIN_WORD_RE.findall(piece) if word not in STOP_WORDS]
            texts += found
            positions += range(pos, pos + len(found))
            cjk += [False] * len(found)
            pos += len(found)
            continue
        last_main = None
        for word, _start, _end, sub in _segment_run(piece, subwords):
            if sub:
                if last_main is not None:
                    texts.append(word)
                    positions.append(last_main)
                    cjk.append(True)
                continue
            if word in STOP_WORDS:
                last_main = None
                continue
            texts.append(word)
            positions.append(pos)
            cjk.append(True)
            last_main = pos
            pos += 1
    return texts, positions, cjk


_DOCNUM_STRIP = re.compile(r"[\s()〔〕\[\]【】（）［］<>《》]")


def normalize_docnum(text: str) -> str:
    """A comparable form of a document number: folded, without spaces and brackets."""
    return _DOCNUM_STRIP.sub("", fold(text))
