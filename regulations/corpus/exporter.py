"""Write the database back to a corpus folder, in the canonical form the loader reads byte for byte.

Empty values and the loader's defaults are left out, so the files stay lean and a load followed
by an export reproduces them exactly.
"""

from decimal import Decimal
from pathlib import Path

from regulations.corpus.files import FILE_HEADER, Progress, format_partial_date, write_yaml
from regulations.models import (
    TARGET_FIELDS,
    Authority,
    Document,
    DocumentIssuer,
    GlossaryTerm,
    Industry,
    Provision,
    RelationType,
    Target,
    Topic,
)


def _compact(mapping: dict, defaults: dict | None = None) -> dict:
    """Drop empty values and values equal to the loader's default, so files stay lean."""
    defaults = defaults or {}
    return {
        key: value
        for key, value in mapping.items()
        if value not in (None, "", [], {}) and not (key in defaults and defaults[key] == value)
    }


def _sorted_keys(value):
    """Free-form JSON with its mapping keys sorted: PostgreSQL's jsonb does not keep their order."""
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


def _number(value: Decimal | None):
    if value is None:
        return None
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)


def export_document(document: Document) -> dict:
    provisions = list(document.provisions.order_by("position").prefetch_related("industries", "targets", "children"))
    children: dict[int | None, list[Provision]] = {}
    for provision in provisions:
        children.setdefault(provision.parent_id, []).append(provision)

    def provision_entry(provision: Provision) -> dict:
        return _compact(
            {
                "eid": provision.eid,
                "num": provision.num,
                "kind": provision.kind,
                "heading_en": provision.heading_en,
                "heading_zh": provision.heading_zh,
                "heading_zh_note": provision.heading_zh_note,
                "heading_official_en": provision.heading_official_en,
                "articles": provision.articles,
                "text": provision.text,
                "text_original": provision.text_original,
                "key_terms": provision.key_terms,
                "responsible_agencies": _sorted_keys(provision.responsible_agencies),
                "industries": [
                    industry.slug for industry in sorted(provision.industries.all(), key=lambda i: i.position)
                ],
                "targets": [target_entry(target) for target in provision.targets.all()],
                "verified": provision.verified,
                "note": provision.note,
                "details": _sorted_keys(provision.details),
                "children": [provision_entry(child) for child in children.get(provision.pk, [])],
            },
            {"verified": True},
        )

    def target_entry(target: Target) -> dict:
        values = {name: getattr(target, name) for name in TARGET_FIELDS}
        values |= {name: _number(values[name]) for name in ("baseline_value", "value")}
        return _compact(values, {"verified": True})

    events = [
        _compact(
            {
                "kind": event.kind,
                "date": format_partial_date(event.date, event.precision),
                "instrument": event.instrument,
                "by": event.by.slug if event.by else "",
                "provisions": [provision.eid for provision in event.provisions.order_by("position")],
                "verified": event.verified,
                "note": event.note,
                "source": event.source_url,
            },
            {"verified": True},
        )
        for event in document.events.order_by("position").select_related("by")
    ]
    official = _compact({"url": document.official_url, "publisher": document.official_publisher})
    issuers = [
        {"authority": link.authority.slug, "role": link.role} if link.role else link.authority.slug
        for link in DocumentIssuer.objects.filter(document=document).select_related("authority")
    ]
    relations = [
        _compact(
            {
                "type": relation.type.slug,
                "from": relation.source_provision.eid if relation.source_provision else "",
                "to": relation.target_document.slug
                + (f"#{relation.target_provision.eid}" if relation.target_provision else ""),
                "note": relation.note,
                "asserted_by": relation.asserted_by,
                "asserted_on": relation.asserted_on.isoformat() if relation.asserted_on else None,
            },
            {"asserted_by": "Rulebook research"},
        )
        for relation in document.outgoing_relations.with_ends().order_by("position")
    ]
    return _compact(
        {
            "slug": document.slug,
            "kind": document.kind,
            "form": document.form,
            "title_en": document.title_en,
            "title_zh": document.title_zh,
            "title_note": document.title_note,
            "short_title": document.short_title,
            "alternative_titles": list(document.alternative_titles),
            "notice_title_en": document.notice_title_en,
            "notice_title_zh": document.notice_title_zh,
            "doc_number": document.doc_number,
            "doc_number_note": document.doc_number_note,
            "doc_number_verified": document.doc_number_verified,
            "jurisdiction": document.jurisdiction,
            "rank": document.rank,
            "level": document.level,
            "language": document.language,
            "issuers": issuers,
            "topics": [topic.slug for topic in document.topics.order_by("position")],
            "events": events,
            "dates_note": document.dates_note,
            "status_note": document.status_note,
            "official_source": official,
            "eli": document.eli,
            "summary": document.summary,
            "details": _sorted_keys(document.details),
            "sources": document.sources,
            "provisions": [provision_entry(p) for p in children.get(None, [])],
            "relations": relations,
        },
        {"doc_number_verified": True, "language": "zh"},
    )


def export_reference_files() -> dict[str, list]:
    def industry_entry(industry: Industry) -> dict:
        return _compact(
            {
                "slug": industry.slug,
                "name_en": industry.name_en,
                "name_zh": industry.name_zh,
                "parent": industry.parent.slug if industry.parent else "",
                "aliases": industry.aliases,
                "gbt4754": _compact(
                    {
                        "divisions": industry.gbt4754_divisions,
                        "classes": industry.gbt4754_classes,
                        "verified": industry.gbt4754_verified,
                        "note": industry.gbt4754_note,
                    },
                    {"verified": True},
                ),
                "isic": _compact(
                    {
                        "divisions": industry.isic_divisions,
                        "classes": industry.isic_classes,
                        "verified": industry.isic_verified,
                        "note": industry.isic_note,
                    },
                    {"verified": True},
                ),
                "note": industry.note,
            }
        )

    return {
        "authorities.yaml": [
            _compact(
                {
                    "slug": a.slug,
                    "abbreviation": a.abbreviation,
                    "name_en": a.name_en,
                    "name_zh": a.name_zh,
                    "short_name_zh": a.short_name_zh,
                }
            )
            for a in Authority.objects.order_by("slug")
        ],
        "topics.yaml": [
            _compact({"slug": t.slug, "name_en": t.name_en, "name_zh": t.name_zh, "description": t.description})
            for t in Topic.objects.order_by("position")
        ],
        "relation-types.yaml": [
            _compact(
                {"slug": t.slug, "verb": t.verb, "reverse_verb": t.reverse_verb, "symmetric": t.symmetric},
                {"symmetric": False},
            )
            for t in RelationType.objects.order_by("position")
        ],
        "industries.yaml": [industry_entry(i) for i in Industry.objects.select_related("parent").order_by("position")],
        "glossary.yaml": [
            _compact(
                {
                    "slug": term.slug,
                    "term_en": term.term_en,
                    "term_zh": term.term_zh,
                    "abbreviations": term.abbreviations,
                    "synonyms_en": term.synonyms_en,
                    "synonyms_zh": term.synonyms_zh,
                    "definition": term.definition,
                    "note": term.note,
                    "see": [
                        f"{p.document.slug}#{p.eid}"
                        for p in term.see_provisions.select_related("document").order_by("document__slug", "position")
                    ],
                }
            )
            for term in GlossaryTerm.objects.order_by("position").prefetch_related("see_provisions")
        ],
    }


def export_corpus(folder: Path, progress: Progress | None = None) -> list[Path]:
    progress = progress or (lambda message: None)
    folder = Path(folder)
    written = []
    for name, entries in export_reference_files().items():
        write_yaml(folder / name, entries, FILE_HEADER)
        written.append(folder / name)
    documents = list(Document.objects.order_by("slug"))
    for number, document in enumerate(documents, 1):
        progress(f"[{number}/{len(documents)}] {document.slug}")
        path = folder / "documents" / f"{document.slug}.yaml"
        write_yaml(path, export_document(document), FILE_HEADER)
        written.append(path)
    return written
