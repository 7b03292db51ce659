"""Turn the corpus's Markdown into safe HTML, and mark Chinese runs in plain text with lang="zh" (and English
content with lang="en" on a page whose interface is not English).

`render_markdown` is the one place where stored Markdown becomes HTML: Markdown is converted
with raw HTML switched off, external links get rel="noopener noreferrer nofollow", and the
result is cleaned by nh3 against a short allow-list before it is marked safe. What XML 1.0 cannot hold
is taken out last, since nh3 decodes character references such as `&#11;` into the raw character, and
the same HTML goes into the Atom feed.
"""

import html
import re
from functools import lru_cache
from xml.etree.ElementTree import Element

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from regulations.text.cjk import chinese_marked
from regulations.text.control_characters import xml_safe

EXTERNAL_REL = "noopener noreferrer nofollow"
ALLOWED_TAGS = {
    "p", "ul", "ol", "li", "em", "strong", "a", "code", "pre", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
    "h3", "h4", "h5", "h6", "br", "hr", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_EXTERNAL_RE = re.compile(r"^(?:https?:|mailto:|//)", re.IGNORECASE)

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    # rel is allowed only with exactly the value the Markdown step sets on external links.
    tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
    url_schemes=URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)


def _href_as_browser_reads_it(href: str) -> str:
    """Entities decoded (Markdown hides email autolinks behind them), edges trimmed, backslashes as slashes."""
    decoded = html.unescape(href.replace(markdown.util.AMP_SUBSTITUTE, "&"))
    return decoded.strip("\x00\t\n\f\r ").replace("\\", "/")


class _ExternalLinks(Treeprocessor):
    def run(self, root: Element):
        for link in root.iter("a"):
            if _EXTERNAL_RE.match(_href_as_browser_reads_it(link.get("href", ""))):
                link.set("rel", EXTERNAL_REL)


class _SafeMarkdown(Extension):
    """No raw HTML (it is shown as text), and rel on external links."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_ExternalLinks(md), "external_links", 0)


def _converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "sane_lists", _SafeMarkdown()], output_format="html")


_md = _converter()


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    html = _md.reset().convert(text)
    return xml_safe(_cleaner.clean(html))


def render_markdown(text: str | None) -> SafeString:
    """Markdown → sanitised HTML, safe to output in a template."""
    if not text:
        return mark_safe("")  # noqa: S308
    return mark_safe(_render(str(text)))  # noqa: S308 - cleaned by nh3 against an allow-list


def mark_chinese(text) -> SafeString:
    """Escape plain text and wrap each run of Chinese in <span lang="zh">."""
    return mark_safe(chinese_marked(text))  # noqa: S308 - escaped first


_LATIN = re.compile(r"[A-Za-z]")


def interface_is_english() -> bool:
    return (get_language() or "en").startswith("en")


def english_attr(text) -> str:
    """' lang="en"' for an element holding English content (text with Latin letters) when the interface around it
    is not English; its Chinese runs are marked lang="zh" on their own."""
    if interface_is_english() or not _LATIN.search(str(text or "")):
        return ""
    return ' lang="en"'


def mark_english(text) -> SafeString:
    """Escape content written in English and say so (lang="en") on a page whose interface is not: a heading, a
    note, a target's value. Chinese runs in it are marked lang="zh", as mark_chinese does."""
    attr = english_attr(text)
    marked = mark_chinese(text)
    return mark_safe(f"<span{attr}>{marked}</span>") if attr else marked  # noqa: S308 - escaped by mark_chinese


_URL_RE = re.compile(r"https?://[^\s<>\"'）)，。；]+")
_TRAILING = ".,;:!?"


def render_note(text) -> SafeString:
    """Plain-text research notes: escape, link bare URLs (rel nofollow…), mark Chinese runs."""
    if not text:
        return mark_safe("")  # noqa: S308
    return mark_safe(_render_note(str(text)))  # noqa: S308 - every piece is escaped


@lru_cache(maxsize=4096)
def _render_note(text: str) -> str:
    parts, last = [], 0
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        parts.append(mark_chinese(text[last : match.start()]))
        parts.append(f'<a href="{html.escape(url)}" rel="{EXTERNAL_REL}">{html.escape(url)}</a>')
        last = end
    parts.append(mark_chinese(text[last:]))
    return xml_safe("".join(parts))
