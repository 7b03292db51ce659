"""A provision's number in full, read from its identifier, for wherever it appears outside its own outline.

Inside a document's outline a leaf number ("2.", "（七）") is clear from its place; on an industry page, in a
target's source, a change list or an admin title it is not. The identifier (part_2__sec_7__item_2) holds the
whole path, so the full number needs no look-up of the ancestors:

- short, the site's own shorthand (also what search accepts): 2.7.2 · 3.4, box 4, item 3 · Art. 12 · Section 3
- long, for an English citation: Part 2, section (7), item 2 · Article 12 · Chapter 2
- in the interface's language, for reading (第4部分 · 第12条 on the Chinese interface; the short form in English)
"""

from __future__ import annotations

import re

from django.utils.translation import pgettext

_PART = re.compile(r"^([a-z]+)_(\d+)$")
# How each kind of part reads in a long reference.
_LONG = {"part": "Part {}", "chp": "Chapter {}", "sec": "section ({})", "item": "item {}", "box": "box {}"}
# ... and in a short one (the search syntax: never translated).
_SHORT = {
    "art": "Art. %(number)s",
    "chp": "Chapter %(number)s",
    "part": "Part %(number)s",
    "sec": "Section %(number)s",
    "box": "box %(number)s",
    "item": "item %(number)s",
}


def _parts(eid: str) -> list[tuple[str, str]]:
    parts = []
    for piece in str(eid or "").split("__"):
        match = _PART.match(piece)
        if match is None:
            return []
        parts.append((match.group(1), match.group(2)))
    return parts


def _own_number(num: str, eid: str) -> str:
    """A top-level provision's own number where its identifier says less (sec_1 numbered 'Annex XII')."""
    return (num or "").strip().rstrip(".、") or eid


def short_reference(eid: str, num: str = "", words: dict[str, str] = _SHORT) -> str:
    parts = _parts(eid)
    if not parts:
        return _own_number(num, eid)

    def worded(kind, number):
        return words[kind] % {"number": number}

    articles = [number for kind, number in parts if kind == "art"]
    if articles:  # articles are numbered through the whole instrument: its chapter adds nothing
        return worded("art", articles[-1])
    if len(parts) == 1:
        kind, number = parts[0]
        if kind in ("chp", "part"):
            return worded(kind, number)
        own = _own_number(num, eid)
        return worded("sec", own) if own.isdigit() else (own if own.isascii() else worded("sec", number))
    dotted, rest = [], []
    for kind, number in parts:
        if rest or kind == "box":
            rest.append(worded(kind, number) if kind in ("box", "item") else number)
        else:
            dotted.append(number)
    return ", ".join([".".join(dotted), *rest])


def interface_reference(eid: str, num: str = "") -> str:
    """short_reference worded in the interface language, for a reader: "Part 4" is 第4部分 in Chinese. Search
    and citations keep short_reference, whose words are the search syntax."""
    words = {
        "art": pgettext("provision number", "Art. %(number)s"),
        "chp": pgettext("provision number", "Chapter %(number)s"),
        "part": pgettext("provision number", "Part %(number)s"),
        "sec": pgettext("provision number", "Section %(number)s"),
        "box": pgettext("provision number", "box %(number)s"),
        "item": pgettext("provision number", "item %(number)s"),
    }
    return short_reference(eid, num, words)


def long_reference(eid: str, num: str = "") -> str:
    parts = _parts(eid)
    if not parts:
        return _own_number(num, eid)
    articles = [number for kind, number in parts if kind == "art"]
    if articles:
        return f"Article {articles[-1]}"
    if len(parts) == 1 and parts[0][0] == "sec":
        own = _own_number(num, eid)
        return f"section {own}" if own.isdigit() else (own if own.isascii() else f"section {parts[0][1]}")
    return ", ".join(_LONG.get(kind, kind + " {}").format(number) for kind, number in parts)
