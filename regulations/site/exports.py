"""Downloads for memos and spreadsheets: a document as JSON or Markdown, targets as CSV.

Every provision and document in an export carries its permanent address, so a pasted excerpt
still leads back to the source.
"""

import csv
import io
import re
from collections.abc import Callable

from django.utils.translation import gettext

from regulations.addresses import document_url, provision_url, subject_url
from regulations.models import TARGET_FIGURE_FIELDS, Document, DocumentIssuer, LegalEvent, Provision, Relation, Target
from regulations.site.pages.provision_trees import attach_tree, without_hidden_subtrees
from regulations.text.figures import target_value_text

Absolute = Callable[[str], str]  # path → absolute URL


def _provisions(document: Document) -> list[Provision]:
    # Exports leave Rulebook: drafts never go into them, whoever asks.
    provisions = list(document.provisions.order_by("position").prefetch_related("industries", "targets"))
    provisions = without_hidden_subtrees(provisions, drafts=False)
    attach_tree(document, provisions)
    return provisions


def _number(value) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _figure(target: Target, name: str):
    value = getattr(target, name)
    return _number(value) if name in ("baseline_value", "value") else value


def _target_data(target: Target) -> dict:
    return {
        **{name: _figure(target, name) for name in TARGET_FIGURE_FIELDS},
        "summary": target_value_text(target),
        "verified": target.verified,
    }


def document_json(document: Document, absolute: Absolute) -> dict:
    """The document with its whole provision tree, targets and relations."""

    def provision_data(provision: Provision) -> dict:
        return {
            "eid": provision.eid,
            "num": provision.num,
            "kind": provision.kind,
            "heading_en": provision.heading_en,
            "heading_zh": provision.heading_zh,
            "text": provision.text,
            "text_original": provision.text_original,
            "status": provision.effective_status,
            "verified": provision.verified,
            "industries": [industry.slug for industry in provision.industries.all()],
            "targets": [_target_data(target) for target in provision.targets.all()],
            "url": absolute(provision_url(document.slug, provision.eid)),
            "children": [provision_data(child) for child in provision.child_nodes],
        }

    roots = [provision for provision in _provisions(document) if provision.parent_id is None]
    validity, replacing = document.validity(), document.superseded_by
    issuers = DocumentIssuer.objects.filter(document=document).select_related("authority")
    relations = Relation.objects.published().touching_document(document).with_ends().order_by("position", "pk")
    return {
        "slug": document.slug,
        "url": absolute(document_url(document.slug)),
        "title_en": document.title_en,
        "title_zh": document.title_zh,
        "doc_number": document.doc_number,
        "issuers": [{"abbreviation": i.authority.abbreviation, "name_en": i.authority.name_en} for i in issuers],
        "jurisdiction": document.jurisdiction,
        "kind": document.kind,
        "rank": document.rank,
        "status": validity.code,
        "status_text": validity.text,
        "superseded_by": absolute(document_url(replacing.slug)) if replacing else None,
        "official_source": document.official_url or None,
        "events": [_event_data(event, absolute) for event in document.events.all()],
        "summary": document.summary,
        "provisions": [provision_data(provision) for provision in roots],
        "relations": [
            {
                "source": absolute(_end_url(relation.source_document, relation.source_provision)),
                "verb": relation.type.verb,
                "target": absolute(_end_url(relation.target_document, relation.target_provision)),
                "note": relation.note,
            }
            for relation in relations
        ],
    }


def _event_data(event: LegalEvent, absolute: Absolute) -> dict:
    return {
        "kind": event.kind,
        "date": event.iso,
        "instrument": event.instrument,
        "by": absolute(document_url(event.by.slug)) if event.by else None,
        "provisions": [provision.eid for provision in event.provisions.all()],
        "verified": event.verified,
    }


def _end_url(document: Document, provision: Provision | None) -> str:
    return subject_url(document.slug, provision.eid if provision else None)


def document_markdown(document: Document, absolute: Absolute) -> str:
    """The document as Markdown: metadata, then each provision as a heading linked to its address."""
    lines = [f"# {document.title_en}", ""]
    if document.title_zh:
        lines += [document.title_zh, ""]
    facts = [
        (gettext("Document number"), document.doc_number),
        (gettext("Status"), document.validity().text),
        (
            gettext("Legal events"),
            "; ".join(f"{event.get_kind_display()} {event.iso}" for event in document.events.all()),
        ),
        (gettext("Official text"), document.official_url or gettext("not yet linked")),
        (gettext("Permanent address"), absolute(document_url(document.slug))),
    ]
    lines += [f"- **{label}:** {value}" for label, value in facts if value]
    lines += ["", document.summary.strip(), ""]
    for provision in _provisions(document):
        level = "#" * min(6, provision.depth + 2)
        heading = " ".join(part for part in (provision.num, provision.heading_en) if part)
        lines += [f"{level} [{heading}]({absolute(provision_url(document.slug, provision.eid))})", ""]
        if provision.heading_zh:
            lines += [provision.heading_zh, ""]
        if provision.text:
            lines += [provision.text.strip(), ""]
        for target in provision.targets.all():
            values = {"metric": target.metric, "year": target.target_year, "value": target_value_text(target)}
            if target.target_year:
                lines.append("- " + gettext("Target: %(metric)s by %(year)s: %(value)s") % values)
            else:
                lines.append("- " + gettext("Target: %(metric)s: %(value)s") % values)
        if provision.targets.all():
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


TARGET_COLUMNS = ["document", "doc_number", "status", "provision", *TARGET_FIGURE_FIELDS, "verified", "url"]


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV injection"); such a cell
# is written with a leading apostrophe, which the spreadsheet shows as text. Plain numbers stay numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# Excel reads a CSV file without a byte-order mark in the machine's legacy code page, garbling Chinese.
BYTE_ORDER_MARK = "\ufeff"


def spreadsheet_cell(value) -> str:
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def targets_csv(targets, absolute: Absolute) -> str:
    """One row per target, with its rule's status today and its provision's permanent address; a UTF-8 BOM first."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(TARGET_COLUMNS)
    for target in targets:
        provision, document = target.provision, target.provision.document
        figures = [_figure(target, name) for name in TARGET_FIGURE_FIELDS]
        row = [
            document.short_title,
            document.doc_number,
            document.validity().text,
            " ".join(part for part in (provision.num, provision.heading_en) if part),
            *("" if value is None else value for value in figures),
            "yes" if target.verified else "no (single source)",
            absolute(provision_url(document.slug, provision.eid)),
        ]
        writer.writerow([spreadsheet_cell(value) for value in row])
    return out.getvalue()
