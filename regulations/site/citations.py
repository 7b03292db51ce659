"""How to cite a document or provision in a memo: an English and a Chinese citation and the addresses to quote.

The citation follows the usual form for Chinese normative documents: issuers, title in book-title
marks, document number, date of issue, then the provision's own number. English citations name
the issuers by their English abbreviation and italicise nothing (memos paste them as plain text).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from regulations.addresses import pinned_url, subject_url
from regulations.history import versions
from regulations.models import Document, LegalEvent, Provision

# The date a citation gives: the one the document bears, in the order a reader would look for it.
CITED_DATE_KINDS = ["issued", "signed", "published", "adopted", "approved", "entry_into_force", "effective"]


@dataclass(frozen=True)
class Citation:
    english: str
    chinese: str
    address: str
    pinned_address: str
    markdown: str
    retrieved_on: datetime.date
    pinned_on: datetime.date


def _cited_date(document: Document) -> LegalEvent | None:
    dates = {}
    for event in document.events.all():
        dates.setdefault(event.kind, event)
    return next((dates[kind] for kind in CITED_DATE_KINDS if kind in dates), None)


def _chinese_date(date: LegalEvent | None) -> str:
    if date is None:
        return ""
    if date.precision == LegalEvent.Precision.YEAR:
        return f"{date.date.year}年"
    if date.precision == LegalEvent.Precision.MONTH:
        return f"{date.date.year}年{date.date.month}月"
    return f"{date.date.year}年{date.date.month}月{date.date.day}日"


def _issuers(document: Document) -> tuple[str, str]:
    rows = getattr(document, "issuer_rows", None)
    authorities = [row.authority for row in rows] if rows is not None else list(document.issuers.all())
    english = ", ".join(a.abbreviation or a.name_en for a in authorities if a.abbreviation or a.name_en)
    chinese = "、".join(a.short_name_zh or a.name_zh for a in authorities if a.short_name_zh or a.name_zh)
    return english, chinese


def cite(
    document: Document, provision: Provision | None, site_root: str, ancestors=(), pin_day: datetime.date | None = None
) -> Citation:
    """The citation of a document, or of one of its provisions (with its ancestors, outermost first); the dated
    address pins `pin_day` (today by default)."""
    today = timezone.localdate()
    issuers_en, issuers_zh = _issuers(document)
    date = _cited_date(document)
    english = [part for part in (issuers_en, document.title_en) if part]
    if document.doc_number:
        english.append(document.doc_number)
    if date:
        with translation.override("en"):  # the English citation is English on either interface
            english.append(date.display)
    chinese = issuers_zh
    if document.title_zh:
        chinese += f"《{document.title_zh}》"
    if document.doc_number:
        chinese += f"（{document.doc_number}）"
    if date:
        chinese += f"，{_chinese_date(date)}"
    if provision is not None:
        # English readers get the place in words (Part 2, section (7), item 2); a Chinese citation chains
        # the official numbers (二、（七）2.), as Chinese documents cite each other.
        english.append(provision.long_reference)
        if provision.heading_en:
            english.append(provision.heading_en)
        chain = [node.num for node in (*ancestors, provision) if node.num]
        if provision.heading_zh or provision.num:
            chinese += f"，{''.join(chain)}{provision.heading_zh}"
    eid = provision.eid if provision is not None else None
    address = site_root + subject_url(document.slug, eid)
    pinned = site_root + pinned_url(document.slug, eid, pin_day or today)
    short = document.short_title + (f" {provision.reference}" if provision is not None else "")
    return Citation(
        english=", ".join(english) + ".",
        chinese=(chinese + "。") if chinese else "",
        address=address,
        pinned_address=pinned,
        markdown=f"[{short}]({address})",
        retrieved_on=today,
        pinned_on=pin_day or today,
    )


PINNED_LABEL = gettext_lazy("The text as of %(day)s")


def citation_rows(citation: Citation) -> list[tuple[str, str, str]]:
    """(label, text, language) of each way to quote it, for the cite panel."""
    rows = [(gettext("Citation (English)"), citation.english, "en")]
    if citation.chinese:
        rows.append((gettext("Citation (Chinese)"), citation.chinese, "zh"))
    rows += [
        (gettext("Permanent address"), citation.address, ""),
        (PINNED_LABEL % {"day": date_format(citation.pinned_on)}, citation.pinned_address, ""),
        (gettext("Markdown link"), citation.markdown, "en"),
    ]
    return rows


def cite_panel(document: Document, provision: Provision | None, site_root: str, pin: str = "", ancestors=()) -> dict:
    """The cite panel's context; `pin` is the day the reader asked the dated address for (`?cite_on=`).

    A day that cannot be pinned (not a date, in the future) is explained in the panel, and today is pinned."""
    pin_day, problem = None, ""
    if pin.strip():
        try:
            pin_day = versions.parse_day(pin)
        except versions.InvalidDate as error:
            problem = str(error)
    citation = cite(document, provision, site_root, ancestors, pin_day=pin_day)
    return {
        "citation": citation,
        "citation_rows": citation_rows(citation),
        "cite_pin_problem": problem,
        "cite_pin_asked": bool(pin.strip()),
        # The label the date box's script writes when the reader picks another day (static/js/rulebook.js).
        "cite_pinned_label": PINNED_LABEL % {"day": "{day}"},
    }
