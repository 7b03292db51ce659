"""The one definition of Chinese (CJK) text for the whole project, and the marking of Chinese runs.

`HAN` is the ideographs alone: what search segments into words. `CJK` adds what is written among
them and is not Latin: CJK punctuation and symbols, kana and bopomofo (Japanese has no spaces
either), enclosed and squared forms such as ㎡, vertical and small forms, and full-width forms.
Both are bodies of a regular-expression character class (`[{CJK}]`). This module imports no
Django, so that search's analysis can share it.
"""

import html
import re
from functools import lru_cache

HAN = (
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B to H
)
CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3000-\u303f"  # CJK symbols and punctuation: 。、〔〕《》「」
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3100-\u312f\u3190-\u31ff"  # bopomofo, kanbun, strokes, katakana extension
    "\u3200-\u33ff"  # enclosed letters and compatibility squares
    f"{HAN}"
    "\ufe10-\ufe1f\ufe30-\ufe6f"  # vertical, compatibility and small forms
    "\uff00-\uffef"  # full-width forms: ，；：（）％ and full-width digits
)

# A run of Chinese as a reader sees it: it may carry digits, Latin letters and spaces inside.
_RUN_RE = re.compile(rf"[0-9]*[{CJK}](?:[{CJK}0-9A-Za-z\s.\-/·+]*[{CJK}])?")


def has_cjk(text) -> bool:
    return bool(text) and _RUN_RE.search(str(text)) is not None


@lru_cache(maxsize=8192)
def _mark_chinese(text: str) -> str:
    return _RUN_RE.sub(lambda m: f'<span lang="zh">{m.group(0)}</span>', html.escape(text))


def chinese_marked(text) -> str:
    """Plain text escaped, each run of Chinese in <span lang="zh"> (HTML; `rendering.mark_chinese` marks it safe)."""
    return "" if text is None else _mark_chinese(str(text))
