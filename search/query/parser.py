"""A lenient parser for what people type in the search box. It never raises.

Supported: plain words (all of them), "exact phrases", OR between two parts, -exclusions,
field:value filters (industry, kind, doc, topic, year, status, jurisdiction), a trailing * for a prefix.
Anything malformed is searched as well as it can be, and ``notes`` says what was changed.
"""

import re
from dataclasses import dataclass, field

from search.fields import FACET_FIELDS
from search.notes import Note
from search.query.analysis import fold_width, has_cjk, strip_controls

MAX_QUERY_LENGTH = 300
MAX_CLAUSES = 24
FILTER_FIELDS = {**{name: name for name in FACET_FIELDS}, "doc": "document"}  # typed name → facet
_FIELD_RE = re.compile(r"^([a-z]{2,15}):(.*)$")
_BRACKETS = "()[]{}<>"


@dataclass(frozen=True)
class Clause:
    """One thing to look for: a word, a phrase (several words in order) or a word prefix."""

    text: str
    phrase: bool = False
    prefix: bool = False

    def display(self) -> str:
        if self.phrase:
            return f'"{self.text}"'
        return self.text + ("*" if self.prefix else "")


@dataclass
class ParsedQuery:
    raw: str
    groups: list[list[Clause]] = field(default_factory=list)  # AND of groups; a group is an OR of clauses
    excluded: list[Clause] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def has_terms(self) -> bool:
        return bool(self.groups)

    def display(self) -> str:
        """The query as it was understood, in the same syntax."""
        parts = [" OR ".join(clause.display() for clause in group) for group in self.groups]
        parts += [f"-{clause.display()}" for clause in self.excluded]
        for name, values in self.filters.items():
            for value in values:
                parts.append(f'{name}:"{value}"' if " " in value else f"{name}:{value}")
        return " ".join(parts)

    def words(self) -> list[str]:
        return [clause.text for group in self.groups for clause in group]


def _lex(text: str, notes: list[Note]) -> list[tuple[str, str, bool]]:
    """Split into (kind, text, quoted) tokens: kind is "word", "or", or "neg" (a word after a minus)."""
    tokens: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch in "-+" and i + 1 < n and not text[i + 1].isspace():
            negated = ch == "-"
            i += 1
            ch = text[i]
        elif ch in "-+":
            notes.append(Note("lone_sign", ch))
            i += 1
            continue
        if ch == '"':
            end = text.find('"', i + 1)
            if end == -1:
                notes.append(Note("closed_quote"))
                end = n
            phrase = text[i + 1 : end].strip()
            if phrase:
                tokens.append(("neg" if negated else "word", phrase, True))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace():
            if text[i] == '"':
                # field:"quoted value" keeps its spaces
                if i > start and text[i - 1] == ":":
                    end = text.find('"', i + 1)
                    i = n if end == -1 else end + 1
                    continue
                break
            i += 1
        word = text[start:i]
        if word in ("OR", "|", "||"):
            tokens.append(("or", word, False))
        elif word in ("AND", "&&", "&"):
            continue
        else:
            tokens.append(("neg" if negated else "word", word, False))
    return tokens


def _clean_word(word: str, notes: list[Note]) -> str:
    if any(ch in word for ch in _BRACKETS):
        if Note("ignored_brackets") not in notes:
            notes.append(Note("ignored_brackets"))
        word = " ".join("".join(" " if ch in _BRACKETS else ch for ch in word).split())
    return word.strip(",;!?")


def parse_query(raw: str | None, max_length: int = MAX_QUERY_LENGTH) -> ParsedQuery:
    """Parse leniently; the result always describes a searchable (possibly empty) query."""
    raw = "" if raw is None else str(raw)
    notes: list[Note] = []
    text = strip_controls(raw)
    if len(text) != len(raw):
        notes.append(Note("removed_control_characters"))
    if len(text) > max_length:
        text = text[:max_length]
        notes.append(Note("shortened", str(max_length)))
    # Fold full-width forms and typographic quotes; keep case so that OR stays an operator.
    text = fold_width(text)
    parsed = ParsedQuery(raw=raw, notes=notes)

    pending_or = False
    for kind, value, quoted in _lex(text, notes):
        if kind == "or":
            if parsed.groups and not pending_or:
                pending_or = True
            else:
                notes.append(Note("misplaced_or"))
            continue
        clause = None
        if not quoted:
            match = _FIELD_RE.match(value.lower())
            if match and match.group(1) in FILTER_FIELDS:
                filter_value = value[len(match.group(1)) + 1 :].strip('"').strip()
                if filter_value and kind != "neg":
                    parsed.filters.setdefault(FILTER_FIELDS[match.group(1)], []).append(filter_value)
                elif not filter_value:
                    notes.append(Note("empty_filter", match.group(1)))
                else:
                    notes.append(Note("excluded_filter", filter_value))
                    clause = Clause(filter_value.lower())
                    kind = "word"
                if clause is None:
                    continue
            elif match and match.group(2):
                notes.append(Note("not_a_filter", match.group(1)))
                value = f"{match.group(1)} {match.group(2)}"
                quoted = True
        if clause is None:
            if quoted:
                words = value.replace('"', " ").split()
                text_value = " ".join(words).lower()
                if not text_value:
                    continue
                # A quoted Chinese word is also exact: it must not be split into separate words.
                clause = Clause(text_value, phrase=len(words) > 1 or has_cjk(text_value))
            else:
                word = _clean_word(value, notes)
                prefix = word.endswith("*")
                word = word.rstrip("*").strip("*")
                if "*" in word:
                    word = word.replace("*", "")
                    notes.append(Note("inner_star"))
                word = word.lower()
                if not word or not any(ch.isalnum() for ch in word):
                    if value.strip("*"):
                        notes.append(Note("ignored_word", value))
                    pending_or = False if kind == "neg" else pending_or
                    continue
                if prefix and len(word) < 2:
                    notes.append(Note("short_prefix", word))
                    prefix = False
                clause = Clause(word, prefix=prefix)
        if kind == "neg":
            if pending_or:
                notes.append(Note("misplaced_or"))
                pending_or = False
            parsed.excluded.append(clause)
            continue
        if pending_or and parsed.groups:
            parsed.groups[-1].append(clause)
            pending_or = False
        else:
            parsed.groups.append([clause])
    if pending_or:
        notes.append(Note("misplaced_or"))
    if len(parsed.groups) + len(parsed.excluded) > MAX_CLAUSES:
        parsed.groups = parsed.groups[:MAX_CLAUSES]
        parsed.excluded = parsed.excluded[: max(0, MAX_CLAUSES - len(parsed.groups))]
        notes.append(Note("too_many_words", str(MAX_CLAUSES)))
    if not parsed.groups and parsed.excluded:
        notes.append(Note("only_excluded"))
    return parsed
