"""Template helpers for the site's pages: Markdown, Chinese runs, the † mark, search box, details."""

import datetime
import html
import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy

from regulations import addresses
from regulations.addresses import document_url, named
from regulations.history.versions import ACTION_LABELS
from regulations.models.numbering import interface_reference
from regulations.text.cjk import has_cjk
from regulations.text.control_characters import xml_safe
from regulations.text.detail_labels import label_for
from regulations.text.rendering import (
    EXTERNAL_REL,
    english_attr,
    interface_is_english,
    mark_chinese,
    mark_english,
    render_markdown,
    render_note,
)

register = template.Library()

UNVERIFIED_TEXT = gettext_lazy("Rests on a single source — not independently confirmed")
_MARKED = "_rulebook_unverified_marks"


@register.filter(name="markdown", is_safe=True)
def markdown_filter(text):
    return render_markdown(text)


@register.filter(is_safe=True)
def zh(text):
    """Escape text and put lang="zh" on its Chinese runs."""
    return mark_chinese(text)


register.filter("en", mark_english, is_safe=True)


@register.filter
def machine_time(value):
    """A date or time as a `<time datetime>` value: local time to the second (HTML allows at most three digits of a
    second's fraction, and a reader needs none)."""
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).replace(microsecond=0).isoformat()
            if timezone.is_aware(value)
            else value.replace(microsecond=0).isoformat()
        )
    return value.isoformat() if value else ""


@register.filter
def printable(text):
    """Stored text without the control characters a page cannot carry (a vertical tab pasted from a word processor
    becomes a space); new text with them is refused on input."""
    return xml_safe(str(text)) if text else text


@register.filter(is_safe=True)
def note(text):
    return render_note(text)


@register.filter
def status_words(label: str) -> str:
    """A status label as the search index stores it (in English, for readers of every language), in the
    interface language; the labels are the msgids of regulations.models.validity."""
    return gettext(label) if label else label


@register.filter
def action_label(action: str) -> str:
    """A version's action code ("added", "changed", "removed") in the interface language."""
    return ACTION_LABELS.get(action, action)


@register.filter
def reference(provision) -> str:
    """The full number of a provision or of one of its recorded versions (2.7.2, 第4部分), outside its outline."""
    return interface_reference(getattr(provision, "eid", ""), getattr(provision, "num", ""))


@register.filter
def content_lang(text):
    """The lang attribute of an element holding one value of content: ' lang="zh"' when it is Chinese, ' lang="en"'
    when it is English on a page whose interface is not (a document number: 工信部联节〔2022〕88号, Regulation (EU)
    2023/1542)."""
    return mark_safe(' lang="zh"' if has_cjk(text) else english_attr(text))  # noqa: S308 - fixed attributes


@register.simple_tag
def lang_en():
    """' lang="en"' on an element of English content (titles, our summaries) when the interface around it is not
    English; nothing on the English interface, whose <html lang> says it already."""
    return "" if interface_is_english() else mark_safe(' lang="en"')  # noqa: S308


def language_tag(code: str) -> str:
    """A Django language code as a BCP 47 tag for lang attributes: "en", "zh-Hans" (Django's is "zh-hans")."""
    language, _, script = code.partition("-")
    return f"{language}-{script.title()}" if script else language


@register.simple_tag
def html_lang():
    return language_tag(get_language() or settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
def language_switcher(context):
    """The interface languages, each named in itself, posting to Django's set_language, which remembers the choice
    in the language cookie and comes back to this page; nothing where set_language's URL is not installed."""
    try:
        action = named("set_language")
    except NoReverseMatch:
        return ""
    request = context.get("request")
    current = get_language()
    languages = [
        {"code": code, "name": name, "tag": language_tag(code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]
    next_page = request.get_full_path() if request is not None else ""
    return render_to_string("_language_switcher.html", {"action": action, "languages": languages, "next": next_page})


def _mark(context):
    request = context.get("request")
    if request is not None:
        setattr(request, _MARKED, True)


@lru_cache(maxsize=len(settings.LANGUAGES))
def _dagger_html(language):
    return format_html(
        '<a class="dagger" href="#unverified-legend" title="{}">'
        '<span aria-hidden="true">†</span><span class="visually-hidden"> ({})</span></a>',
        gettext("Unverified: %(why)s") % {"why": UNVERIFIED_TEXT},
        gettext("unverified: %(why)s") % {"why": str(UNVERIFIED_TEXT).lower()},
    )


def dagger_html(context):
    _mark(context)
    return _dagger_html(get_language())


@register.simple_tag(takes_context=True)
def dagger(context, verified=False):
    """The † mark for a fact resting on a single source; {% dagger obj.verified %} prints nothing if verified."""
    if verified:
        return ""
    return dagger_html(context)


@register.simple_tag(takes_context=True)
def status_badge(context, subject, day=None):
    """The legal status of a document or provision on the page's day (?on=, else today), as a badge.

    A status that rests on an unverified event reads "reported" and carries the † mark; the title says it all."""
    validity = subject.validity(day or context.get("status_day"))
    badge = validity_badge(validity)
    return badge + dagger_html(context) if validity.unverified else badge


def validity_badge(validity):
    return format_html(
        '<span class="badge badge--status badge--{}" title="{}">{}</span>',
        validity.badge,
        validity.text,
        validity.badge_label,
    )


@register.simple_tag
def research_note(text, label=None):
    if not text:
        return ""
    return _research_note(str(text), str(label or gettext("Research note")), english_attr(text))


@lru_cache(maxsize=4096)
def _research_note(text, label, lang):
    return format_html(
        '<details class="research-note"><summary>{}</summary><p{}>{}</p></details>',
        label,
        mark_safe(lang),  # noqa: S308 - a fixed attribute
        render_note(text),
    )


@register.simple_tag(takes_context=True)
def unverified_legend(context):
    """The legend for †, once per page, only when a mark was printed above it."""
    request = context.get("request")
    if request is None or not getattr(request, _MARKED, False):
        return ""
    return render_to_string("regulations/_unverified_legend.html", {"text": UNVERIFIED_TEXT})


@register.simple_tag
def address(builder: str, *args, **params):
    """An address from regulations/addresses.py, e.g. {% address "target_list_url" document=document.slug %}."""
    if not builder.endswith("_url") or not hasattr(addresses, builder):
        raise template.TemplateSyntaxError(f"regulations.addresses has no builder “{builder}”.")
    return getattr(addresses, builder)(*args, **params)


@register.simple_tag(takes_context=True)
def search_box(context, suffix=""):
    """The site search form, or nothing where the search app's URL is not installed."""
    try:
        action = named("search:results")
    except NoReverseMatch:
        return ""
    request = context.get("request")
    query = request.GET.get("q", "") if request is not None else ""
    return render_to_string("_search_box.html", {"action": action, "q": query, "suffix": suffix})


@register.simple_tag
def document_search_box(document):
    """A search limited to one document (its results grouped by the document's outline), or nothing
    where the search app's URL is not installed."""
    try:
        action = named("search:results")
    except NoReverseMatch:
        return ""
    return render_to_string("_document_search_box.html", {"action": action, "document": document})


# -- the free-form `details` of a document or provision --------------------------------------

_URL_ONLY = re.compile(r"^https?://\S+$")


class DetailsRenderer:
    """Nested dicts/lists become definition lists and lists; document slugs and URLs become links."""

    def __init__(self, context, documents: dict):
        self.context = context
        self.documents = documents  # slug -> short title

    def value(self, value, key=None):
        if isinstance(value, dict):
            return self.mapping(value)
        if isinstance(value, list):
            return self.sequence(value, key)
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if value is None:
            return ""
        text = str(value)
        if text in self.documents:
            title = self.documents[text]
            return format_html('<a href="{}"{}>{}</a>', document_url(text), mark_safe(english_attr(title)), title)  # noqa: S308
        if _URL_ONLY.match(text):
            return format_html('<a href="{}" rel="{}" class="source-link">{}</a>', text, EXTERNAL_REL, text)
        if key == "note" or len(text) > 80:
            lang = english_attr(text)
            return format_html("<span{}>{}</span>", mark_safe(lang), render_note(text)) if lang else render_note(text)  # noqa: S308
        return mark_english(text)

    def sequence(self, items, key=None):
        if all(not isinstance(item, dict | list) for item in items) and key not in ("sources",):
            if all(len(str(item)) < 40 for item in items):
                return format_html(
                    '<ul class="inline-list">{}</ul>',
                    format_html_join("", "<li>{}</li>", ((self.value(item),) for item in items)),
                )
        return format_html(
            '<ol class="details-list">{}</ol>',
            format_html_join("", "<li>{}</li>", ((self.value(item, key),) for item in items)),
        )

    def mapping(self, data: dict):
        unverified = data.get("verified") is False
        rows = []
        for key, value in data.items():
            if key == "verified" or value in (None, "", [], {}):
                continue
            if key == "note" and unverified:
                continue
            rows.append(format_html("<dt>{}</dt><dd>{}</dd>", label_for(key), self.value(value, key)))
        mark = ""
        if unverified:
            mark = format_html(
                '<p class="details-mark">{} {}</p>{}',
                dagger_html(self.context),
                gettext("Unverified."),
                research_note(data.get("note", "")),
            )
        return format_html('<dl class="details">{}</dl>{}', mark_safe("".join(rows)), mark)  # noqa: S308


@register.simple_tag(takes_context=True)
def render_details(context, details, documents=None):
    if not details:
        return ""
    return DetailsRenderer(context, documents or {}).mapping(details)


@register.filter
def web_href(url):
    """The address if it is an http(s) link, else nothing: stored URLs are shown as links only when harmless."""
    url = str(url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


@register.filter
def url_label(url):
    """A readable label for a source address: host and decoded path, shortened."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(str(url))
    label = (parts.netloc.removeprefix("www.") + unquote(parts.path)).rstrip("/")
    return label if len(label) <= 90 else label[:60] + "…" + label[-25:]


# -- lists that repeat on every provision: rendered in Python (a long document has hundreds) ----


@lru_cache(maxsize=512)
def _agency_item(abbr, zh_name, en_name, role, english):
    parts = []
    if abbr:
        lang = english if en_name else ' lang="zh"'
        parts.append(format_html('<abbr title="{}"{}>{}</abbr>', en_name or zh_name, mark_safe(lang), abbr))  # noqa: S308
    if zh_name:
        parts.append(format_html('<span lang="zh">{}</span>', zh_name))
    if en_name and not abbr:
        parts.append(format_html("<span{}>{}</span>", mark_safe(english), en_name))  # noqa: S308
    if role:
        parts.append(format_html("(<span{}>{}</span>)", mark_safe(english_attr(role)), role))  # noqa: S308
    return format_html("<li>{}</li>", mark_safe(" ".join(parts)))  # noqa: S308 - parts are escaped


def agency_list(agencies):
    """<ul> of responsible agencies (provision_trees.Agency): abbreviation with its name as title, Chinese name."""
    if not agencies:
        return ""
    english = english_attr("en")
    items = "".join(_agency_item(a.abbr, a.zh, a.en, a.role, english) for a in agencies)
    return mark_safe(f'<ul class="inline-list">{items}</ul>')  # noqa: S308 - items are escaped


def term_list(terms):
    """<ul> of key terms, Chinese runs marked lang="zh"."""
    if not terms:
        return ""
    items = "".join(f"<li{english_attr(term)}>{mark_chinese(term)}</li>" for term in terms)
    return mark_safe(f'<ul class="inline-list key-terms">{items}</ul>')  # noqa: S308 - items are escaped


@lru_cache(maxsize=1024)
def _industry_item(url, name_en, name_zh, english):
    return format_html(
        '<li><a href="{}"{}>{}</a> <span lang="zh">{}</span></li>',
        url,
        mark_safe(english),  # noqa: S308 - a fixed attribute
        name_en,
        name_zh,
    )


def industry_links(industries):
    """<ul> of links to industries; each industry needs .url (set by the site's page builders)."""
    if not industries:
        return ""
    english = english_attr("en")
    items = "".join(
        _industry_item(industry.url, industry.name_en, industry.name_zh, english) for industry in industries
    )
    return mark_safe(f'<ul class="inline-list">{items}</ul>')  # noqa: S308 - items are escaped


# -- blocks repeated for every provision of a document ------------------------------------------
# A long document repeats these dozens of times; built here with html.escape they cost a fraction
# of the equivalent template include. The markup is the same everywhere they appear.


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _relation_item(view, show_this: bool) -> str:
    parts = [f'<li class="relation relation--{_e(view.type_slug)}">']
    if show_this:
        if view.this_provision is not None:
            this = view.this_provision
            label = f"{this.num or this.eid} {this.heading_en}"
            link = f'<a href="{_e(view.this_url)}"{english_attr(label)}>{mark_chinese(label)}</a>'
            parts.append(f'<span class="relation__this">{link}</span>')
        else:
            whole = gettext("This document as a whole")
            parts.append(f'<span class="relation__this">{_e(whole)}</span>')
    # Relation types are a reference list edited in English, like the corpus.
    parts.append(f'<span class="relation__verb"{english_attr(view.verb)}>{_e(view.verb)}</span>')
    other = view.other_document.short_title
    if view.other_provision is not None:
        other += f", {view.other_provision.num or view.other_provision.eid} {view.other_provision.heading_en}"
    parts.append(
        f'<a class="relation__other" href="{_e(view.other_url)}"{english_attr(other)}>{mark_chinese(other)}</a>'
    )
    validity = view.other_validity
    if validity is not None and not validity.in_force:
        parts.append(str(validity_badge(validity)))
    if view.note:
        parts.append(f'<span class="relation__note"{english_attr(view.note)}>{mark_chinese(view.note)}</span>')
    provenance = _e(gettext("Asserted by %(source)s") % {"source": view.relation.asserted_by})
    asserted_on = view.relation.asserted_on
    if asserted_on:
        provenance += f', <time datetime="{asserted_on.isoformat()}">{_e(date_format(asserted_on))}</time>'
    parts.append(f'<span class="relation__provenance">{provenance}</span></li>')
    return "\n".join(parts)


@register.simple_tag
def relation_list(views, show_this=False):
    """<ul> of relations seen from one side (regulations.site.pages.relations.RelationView): “[this] verb other”."""
    items = "".join(_relation_item(view, show_this) for view in views)
    return mark_safe(f'<ul class="relations">{items}</ul>')  # noqa: S308 - every value is escaped


@register.simple_tag
def provision_facts(provision):
    """<dl> of a provision's official heading, articles, industries, agencies and key terms.

    Expects the lists the site's page builders attach: provision.industry_list (each with .url) and
    provision.agencies.
    """
    # (gettext outside the f-strings: makemessages cannot read inside them)
    facts = [
        (gettext("Official English heading"), provision.heading_official_en, mark_english),
        (gettext("Chinese heading"), provision.heading_zh_note, mark_english),
        (gettext("Articles"), provision.articles, mark_english),
        (gettext("Industries"), provision.industry_list, industry_links),
        (gettext("Responsible agencies"), provision.agencies, agency_list),
        (gettext("Key terms"), provision.key_terms, term_list),
    ]
    rows = [f"<dt>{_e(label)}</dt><dd>{shown(value)}</dd>" for label, value, shown in facts if value]
    if not rows:
        return ""
    return mark_safe('<dl class="facts">' + "\n".join(rows) + "</dl>")  # noqa: S308 - every value is escaped
