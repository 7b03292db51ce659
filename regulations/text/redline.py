"""A readable redline between two versions of a regulation's Markdown source.

The texts mix English and Chinese, and a useful redline has to respect how each is read. English
is compared word by word: a reader scanning for what changed wants "2025" struck and "2030"
inserted, not the "2" kept and "025"/"030" swapped. Chinese is written without spaces and has no
reliable word boundary that a tokenizer could find without guessing (a segmenter's guess changes
with its dictionary, and a wrong guess would hide a one-character change such as 降 -> 减 inside a
larger "changed word"), so Chinese is compared character by character, as the product requires.

Unchanged lines are matched first; the lines that differ are split into tokens, the tokens are
aligned with `difflib.SequenceMatcher`, and the alignment becomes a list of `Segment`s.
`autojunk=False` because its heuristic treats any token that is common in a long text as junk,
and in Chinese that means frequent characters such as 的 or 。 would stop anchoring the alignment.

Joining the "equal" and "delete" segments gives back the old text exactly, and joining "equal"
and "insert" gives back the new one; the HTML rendering and the tests rely on that.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from regulations.text.cjk import CJK

# A letter or digit that is not CJK, or a combining accent, so that a decomposed "é" stays in its word.
_W = rf"(?:[^\W_{CJK}]|[\u0300-\u036f])"
_TOKEN_RE = re.compile(
    rf"""
    \s+                                 # a run of whitespace (U+3000 included, since it comes first)
    | [{CJK}]                          # one CJK character
    | {_W}+                             # an English word or a number ...
      (?: ['\u2019-] {_W}+              # ... with inner apostrophes and hyphens: don't, long-term
        | (?<=\d) \. (?=\d) {_W}+       # ... and dots only between digits: 2.5, 3.2.1, not "end."
      )*
      (?: (?<=\d) % )?                  # ... and a percent sign on a number: 13.5%
    | .                                 # any other character on its own
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Segment:
    op: str  # "equal" | "insert" | "delete"
    text: str


def tokenize(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def _token_chunks(a: list[str], b: list[str]) -> list[tuple[list[str], list[str]]]:
    # A common prefix and suffix are taken off first: SequenceMatcher's cost grows with how often
    # each token recurs, and whitespace or 的 recur everywhere, so the fewer tokens it sees the better.
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    mid_a, mid_b = a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]

    chunks = [(a[:prefix], b[:prefix])]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes():
        chunks.append((mid_a[i1:i2], mid_b[j1:j2]) if tag != "equal" else (mid_a[i1:i2], mid_a[i1:i2]))
    chunks.append((a[len(a) - suffix :], b[len(b) - suffix :]))
    return chunks


def _chunks(old: str, new: str) -> list[tuple[bool, list[str], list[str]]]:
    """Align old and new as (is_equal, old tokens, new tokens) chunks, in order.

    Lines are aligned first and only the lines that differ are compared token by token. Aligning
    a whole document token by token took over 20 seconds for a 100,000-character regulation with
    a few dozen edits; anchoring on unchanged lines brings it to well under a second, and keeps
    each change inside the paragraph it was made in. A single very long line that changes in many
    places is still slow, since all of it goes to the token-level comparison.
    """
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    chunks: list[tuple[bool, list[str], list[str]]] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append((True, old_lines[i1:i2], new_lines[j1:j2]))
            continue
        a, b = tokenize("".join(old_lines[i1:i2])), tokenize("".join(new_lines[j1:j2]))
        chunks.extend((old_part == new_part, old_part, new_part) for old_part, new_part in _token_chunks(a, b))
    return [chunk for chunk in chunks if chunk[1] or chunk[2]]


def diff_segments(old: str, new: str) -> list[Segment]:
    # Runs of equal text and of changes, each change as [deleted text, inserted text]; a
    # "replace" is one change with both sides, and neighbouring runs of one kind are joined.
    runs: list[list] = []
    for is_equal, old_part, new_part in _chunks(old, new):
        if is_equal:
            if runs and runs[-1][0] == "equal":
                runs[-1][1] += "".join(old_part)
            else:
                runs.append(["equal", "".join(old_part)])
        elif runs and runs[-1][0] == "change":
            runs[-1][1] += "".join(old_part)
            runs[-1][2] += "".join(new_part)
        else:
            runs.append(["change", "".join(old_part), "".join(new_part)])

    # A whitespace-only "equal" between two changes is folded into both sides, so that
    # "a b c" -> "x y z" reads as one deletion and one insertion rather than alternating
    # fragments. It is folded only when the merged change has something on both sides: folding
    # between two pure deletions would force a spurious whitespace insertion to keep `new` intact.
    folded: list[list] = []
    i = 0
    while i < len(runs):
        run = runs[i]
        if (
            run[0] == "equal"
            and run[1].isspace()
            and folded
            and folded[-1][0] == "change"
            and i + 1 < len(runs)
            and runs[i + 1][0] == "change"
        ):
            _, left_del, left_ins = folded[-1]
            _, right_del, right_ins = runs[i + 1]
            if (left_del or right_del) and (left_ins or right_ins):
                folded[-1] = ["change", left_del + run[1] + right_del, left_ins + run[1] + right_ins]
                i += 2
                continue
        folded.append(run)
        i += 1

    segments: list[Segment] = []
    for run in folded:
        if run[0] == "equal":
            segments.append(Segment("equal", run[1]))
        else:
            segments.extend(Segment(op, text) for op, text in (("delete", run[1]), ("insert", run[2])) if text)
    return segments


_TAGS = {
    "delete": ('<del class="redline-del">', "</del>"),
    "insert": ('<ins class="redline-ins">', "</ins>"),
}


def redline_html(old: str, new: str) -> SafeString:
    # Text edited in a browser form comes back with CRLF while stored files use LF; without this
    # every line of an otherwise unchanged text would show as changed.
    old = old.replace("\r\n", "\n").replace("\r", "\n")
    new = new.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for segment in diff_segments(old, new):
        # escape() first: the texts are user-edited, and only the tags added here may be markup.
        body = escape(segment.text).replace("\n", "<br>")
        if segment.op == "equal":
            out.append(body)
        else:
            start, end = _TAGS[segment.op]
            out.append(f"{start}{body}{end}")
    return mark_safe("".join(out))  # noqa: S308 - every piece of input text went through escape() above


def change_summary(old: str, new: str) -> dict:
    # Counted on the aligned tokens rather than on the segments, so that whitespace folded into a
    # change is never counted and each CJK character counts as one word.
    deleted = inserted = 0
    for is_equal, old_part, new_part in _chunks(old, new):
        if not is_equal:
            deleted += sum(1 for token in old_part if not token.isspace())
            inserted += sum(1 for token in new_part if not token.isspace())
    return {"inserted_words": inserted, "deleted_words": deleted}
