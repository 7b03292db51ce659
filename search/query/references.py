"""Provision references as people type them, read into numbers (no Django).

"2.7.2", "item 2.7.2", "（七）2", "七.2", "section (7) item 2" name a provision by the numbers of its
outline (part, section, item); "Art. 66", "Article 66", "art 66", "第六十六条" name an article. The
catalog compares these numbers with each provision's numbers, so no spelling of a citation has to be
stored anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.query.analysis import fold

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_NUMBER = "[零〇一二三四五六七八九十百千]+"
_NUMBER = rf"(?:(?<![0-9])[0-9]{{1,3}}(?![0-9])|{_CHINESE_NUMBER})"
# Words that only say which level a number is at ("item 2", "section (7)"): they are read past.
_LEVEL_WORDS = re.compile(
    r"(?<![^\W\d_])(?:items?|sections?|sec|parts?|points?|paragraphs?|para)\.?(?![^\W\d_])", re.IGNORECASE
)
_ARTICLE = re.compile(
    rf"(?<![^\W\d_])(?:articles?|arts?)\.?\s*([0-9]{{1,4}})(?![0-9])|第({_CHINESE_NUMBER}|[0-9]{{1,4}})条"
)
# Two or more numbers in a row, each perhaps in brackets, separated by dots, 、, or spaces.
_PATH = re.compile(
    rf"(?<![\w.])\(?{_NUMBER}\)?(?:\s*[.、]?\s*\(?{_NUMBER}\)?)+(?![\w(])",
)
_PATH_NUMBER = re.compile(_NUMBER)
# One number with a mark of its level ("第七", "第二章", "（七）", "chapter 2", "section 7"): a reference only
# inside a document the query names, where the script tells sections (七) from items (7).
_SINGLE = re.compile(
    rf"第({_CHINESE_NUMBER}|[0-9]{{1,3}})(?:章|节|部分|编)?(?![条0-9零〇一二三四五六七八九十百千])|\(({_CHINESE_NUMBER})\)"
    r"|(?<![^\W\d_])(?:chapter|chap|section|sec|part)\.?\s*\(?([0-9]{1,3})\)?(?![\w.])",
    re.IGNORECASE,
)


def chinese_number(text: str) -> int | None:
    """十二 → 12, 六十六 → 66, 一百零二 → 102, 7 → 7; None for anything else."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


@dataclass(frozen=True)
class Reference:
    kind: str  # "article", "path" or "single"
    numbers: tuple[int, ...]
    start: int  # where it was typed (character offsets in the query)
    end: int
    chinese: bool | None = None  # a single number written in Chinese (sections are), or in digits; None: either


def typed_references(query: str) -> list[Reference]:
    """The article numbers and outline paths typed in a query, in the order typed."""
    text = fold(query)
    found: list[Reference] = []
    for match in _ARTICLE.finditer(text):
        number = chinese_number(match.group(1) or match.group(2))
        if number is not None:
            found.append(Reference("article", (number,), match.start(), match.end()))
    taken = [(ref.start, ref.end) for ref in found]
    # Level words become spaces (same length), so that "section (7) item 2" reads as "(7) 2".
    plain = _LEVEL_WORDS.sub(lambda match: " " * len(match.group()), text)
    for match in _PATH.finditer(plain):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        numbers = tuple(chinese_number(number) for number in _PATH_NUMBER.findall(match.group()))
        if len(numbers) >= 2 and None not in numbers:
            found.append(Reference("path", numbers, match.start(), match.end()))
    taken = [(ref.start, ref.end) for ref in found]
    for match in _SINGLE.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        typed = match.group(1) or match.group(2) or match.group(3)
        number = chinese_number(typed)
        if number is not None:
            chinese = None if match.group(3) else not typed.isdigit()  # "section 7" cites （七） as well
            found.append(Reference("single", (number,), match.start(), match.end(), chinese))
    return sorted(found, key=lambda ref: ref.start)


def without_references(query: str, references: list[Reference]) -> str:
    """The query with the typed references (and the level words around them) left out, case kept
    (``fold`` keeps lengths, so the offsets found on the folded query are valid on the query)."""
    text = query
    for ref in sorted(references, key=lambda ref: -ref.start):
        text = text[: ref.start] + " " + text[ref.end :]
    return " ".join(_LEVEL_WORDS.sub(" ", text).split())


def provision_numbers(num: str) -> tuple[int, ...] | None:
    """A provision's own number as numbers: "二、" → (2,), "（七）" → (7,), "2." → (2,), "1.2" → (1, 2),
    "第五章" → (5,); None for what is no plain number ("Annex XII", "专栏4", "Art. 66")."""
    text = fold(num).strip()
    text = re.sub(r"^第(.+)[章节部分编]$", r"\1", text)
    text = text.strip("()、. ")
    parts = [part for part in re.split(r"[.、]", text) if part]
    if not parts or not all(re.fullmatch(rf"[0-9]{{1,3}}|{_CHINESE_NUMBER}", part) for part in parts):
        return None
    numbers = tuple(chinese_number(part) for part in parts)
    return None if None in numbers else numbers


def article_numbers(num: str) -> list[int]:
    """The articles a provision's number names: "Art. 66" → [66], "Art. 12-13" → [12, 13], "第十二条" → [12]."""
    text = fold(num)
    match = re.match(r"\s*(?:articles?|arts?)\.?\s*([0-9]{1,4})(?:\s*-\s*([0-9]{1,4}))?", text)
    if match:
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        return list(range(first, min(last, first + 50) + 1))
    match = re.match(rf"\s*第({_CHINESE_NUMBER}|[0-9]{{1,4}})条", text)
    number = chinese_number(match.group(1)) if match else None
    return [number] if number is not None else []
