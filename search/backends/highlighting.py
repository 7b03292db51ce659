"""Snippets and "matched in" for the hits shown (only those, never every match), shared by the backends.

Engine-neutral: each backend passes the stemmer its index uses, so the words marked are the words matched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from search.query.analysis import LATIN_WORD_RE, STOP_WORDS, fold, has_cjk, words
from search.results import MatchedIn, SearchPlan

_MARKDOWN = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|\*\*?|__|`|^\s*(?:#+|>)\s*", re.MULTILINE)


class Highlighter:
    """Marks the plan's terms in a hit's stored text, heading and document title."""

    def __init__(self, plan: SearchPlan, stem: Callable[[str], str]):
        self.stem = stem
        self.length = plan.snippet_length
        self.original: set[str] = set()
        self.synonyms: dict[str, str] = {}  # term → the synonym it came from
        self.prefixes: list[str] = []
        for group in plan.groups:
            for clause in group:
                if clause.prefix:
                    self.prefixes.append(clause.text)
                    continue
                terms = [word.text if word.cjk else stem(word.text) for word in words(clause.text)]
                if clause in plan.synonym_clauses:
                    for term in terms:
                        self.synonyms.setdefault(term, clause.text)
                else:
                    self.original.update(terms)
        self.terms = self.original | set(self.synonyms)
        self.cjk_terms = [term for term in self.terms if has_cjk(term)]
        self.prefix_tuple = tuple(fold(prefix) for prefix in self.prefixes)
        # Porter stemming only rewrites endings: a word can only stem to a query term if it starts with
        # the same two letters. Checking that first spares stemming nearly every word of a text.
        self.heads = {term[:2] for term in self.terms if not has_cjk(term)} | {p[:2] for p in self.prefix_tuple}

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        folded = fold(text)
        found = []
        if self.heads:
            for match in LATIN_WORD_RE.finditer(folded):
                word = match.group()
                if word[:2] not in self.heads or word in STOP_WORDS:
                    continue
                term = self.stem(word)
                if term in self.terms or (self.prefix_tuple and word.startswith(self.prefix_tuple)):
                    found.append((match.start(), match.end(), term))
        for term in self.cjk_terms:
            start = folded.find(term)
            while start != -1:
                found.append((start, start + len(term), term))
                start = folded.find(term, start + len(term))
        if self.cjk_terms:
            found.sort()
        return found

    def explain(self, data: dict) -> tuple[str, list[MatchedIn]]:
        """The snippet (escaped HTML with <mark>s) and where the words were found."""
        text = _MARKDOWN.sub(lambda m: m.group(1) or "", data.get("text") or "")
        text = " ".join(text.split())
        matches = self._matches(text)
        matched_in = []
        heading = " ".join(filter(None, [data.get("title"), data.get("title_zh")]))
        heading_matches = self._matches(heading)
        if heading_matches:
            matched_in.append(MatchedIn("heading"))
        if matches:
            matched_in.append(MatchedIn("body"))
        if data.get("document") and self._matches(data["document"]):
            matched_in.append(MatchedIn("title"))
        used_synonyms = {self.synonyms[t] for _, _, t in matches + heading_matches if t in self.synonyms}
        used_original = {t for _, _, t in matches + heading_matches if t in self.original}
        for synonym in sorted(used_synonyms):
            if not used_original:
                matched_in.append(MatchedIn("synonym", synonym))
        if not matches and not text:
            text, matches = heading, heading_matches
        return self._snippet(text, matches), matched_in

    def _snippet(self, text: str, matches: list[tuple[int, int, str]]) -> str:
        length = self.length
        if not matches:
            cut = text[:length]
            return html.escape(cut) + ("…" if len(text) > length else "")
        best_start, best_score = 0, -1
        for start, _end, _term_text in matches:
            window_start = max(0, start - length // 5)
            distinct = {t for s, e, t in matches if s >= window_start and e <= window_start + length}
            if len(distinct) > best_score:
                best_start, best_score = window_start, len(distinct)
        if best_start > 0:
            space = text.rfind(" ", 0, best_start + 1)
            if space != -1 and best_start - space < 15:
                best_start = space + 1
        end = min(len(text), best_start + length)
        out = ["…"] if best_start > 0 else []
        cursor = best_start
        last_end = best_start
        for start, stop, _t in sorted(matches):
            if start < cursor or start < last_end or stop > end:
                continue
            out.append(html.escape(text[cursor:start]))
            out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
            cursor = last_end = stop
        out.append(html.escape(text[cursor:end]))
        if end < len(text):
            out.append("…")
        return "".join(out)
