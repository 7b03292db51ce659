"""How to cite a document or provision in a memo: an English and a Chinese citation and the addresses to quote.

The citation follows the usual form for Chinese normative documents: issuers, title in book-title
marks, document number, date of issue, then the provision's own number. English citations name
the issuers by their English abbreviation and italicise nothing (memos paste them as plain text).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from regulations.addresses import pinned_url, subject_url
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


def cite(document: Document, provision: Provision | None, site_root: str, ancestors=()) -> Citation:
    """The citation of a document, or of one of its provisions (with its ancestors, outermost first)."""
    today = timezone.localdate()
    issuers_en, issuers_zh = _issuers(document)
    date = _cited_date(document)
    english = [part for part in (issuers_en, document.title_en) if part]
    if document.doc_number:
        english.append(document.doc_number)
    if date:
        english.append(date.display)
    chinese = issuers_zh
    if document.title_zh:
        chinese += f"《{document.title_zh}》"
    if document.doc_number:
        chinese += f"（{document.doc_number}）"
    if date:
        chinese += f"，{_chinese_date(date)}"
    if provision is not None:
        # A provision's own number ("2.") is only unique under its parents' numbers ("二、（七）2.").
        chain = [node.num for node in (*ancestors, provision) if node.num]
        number = " ".join(chain) if provision.num else provision.eid
        english.append(f"{number} {provision.heading_en}".strip())
        if provision.heading_zh or provision.num:
            chinese += f"，{''.join(chain)}{provision.heading_zh}"
    eid = provision.eid if provision is not None else None
    address = site_root + subject_url(document.slug, eid)
    pinned = site_root + pinned_url(document.slug, eid, today)
    short = document.short_title + (f" {number}" if provision is not None else "")
    return Citation(
        english=", ".join(english) + ".",
        chinese=(chinese + "。") if chinese else "",
        address=address,
        pinned_address=pinned,
        markdown=f"[{short}]({address})",
        retrieved_on=today,
    )


def citation_rows(citation: Citation) -> list[tuple[str, str, str]]:
    """(label, text, language) of each way to quote it, for the cite panel."""
    rows = [("Citation (English)", citation.english, "en")]
    if citation.chinese:
        rows.append(("Citation (Chinese)", citation.chinese, "zh"))
    rows += [
        ("Permanent address", citation.address, ""),
        (f"The text as of {citation.retrieved_on:%-d %B %Y}", citation.pinned_address, ""),
        ("Markdown link", citation.markdown, ""),
    ]
    return rows
