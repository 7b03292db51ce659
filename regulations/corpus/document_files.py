"""Loading the document files: a document's metadata, dates, issuers, provision tree with targets, and its links."""

import datetime
from pathlib import Path

from django.utils import timezone

from regulations.corpus.entries import Source, check_keys, decimal, list_of, require, year
from regulations.corpus.files import Mapping, parse_partial_date
from regulations.models import (
    Document,
    DocumentIssuer,
    LegalEvent,
    Provision,
    Relation,
    Target,
    eid_validator,
)


class DocumentFilesLoading:
    """The part of CorpusLoader (regulations.corpus.loader) that reads documents/<slug>.yaml."""

    DOCUMENT_KEYS = [
        "slug", "kind", "form", "title_en", "title_zh", "title_note", "short_title", "alternative_titles",
        "notice_title_en", "notice_title_zh", "doc_number", "doc_number_note", "doc_number_verified",
        "jurisdiction", "rank", "level", "language", "issuers", "topics", "events", "dates_note", "status_note",
        "official_source", "eli", "summary", "details", "sources", "provisions", "relations",
    ]  # fmt: skip
    PROVISION_KEYS = [
        "eid", "num", "kind", "heading_en", "heading_zh", "heading_zh_note", "heading_official_en",
        "articles", "text", "text_original", "key_terms", "responsible_agencies", "industries", "targets",
        "verified", "note", "details", "children",
    ]  # fmt: skip
    EVENT_KEYS = ["kind", "date", "instrument", "by", "provisions", "verified", "note", "source"]
    TARGET_KEYS = [
        "metric", "metric_zh", "scope", "baseline_year", "baseline_value", "target_year", "value",
        "unit", "comparison", "direction", "description", "verified", "note",
    ]  # fmt: skip

    def _load_document(self, path: Path):
        data = self.read(path)
        source = Source(path, data)
        if not isinstance(data, dict):
            raise source.error("expected a mapping describing one document")
        check_keys(data, self.DOCUMENT_KEYS, source, "the document")
        slug = require(data, "slug", source)
        if slug != path.stem:
            raise source.error(f"slug “{slug}” must match the file name “{path.stem}”")
        kind = require(data, "kind", source)
        if kind not in Document.Kind.values:
            raise source.error(f"kind “{kind}” is not one of {', '.join(Document.Kind.values)}")
        rank = data.get("rank") or ""
        if rank and rank not in Document.Rank.values:
            raise source.error(f"rank “{rank}” is not one of {', '.join(Document.Rank.values)}")
        official = data.get("official_source") or {}
        if not isinstance(official, dict):
            raise source.error("“official_source” must be a mapping with “url” (and “publisher”)")
        check_keys(official, ["url", "publisher"], source, "official_source")
        jurisdiction = require(data, "jurisdiction", source)
        if jurisdiction not in Document.Jurisdiction.values:
            raise source.error(f"jurisdiction “{jurisdiction}” is not one of {', '.join(Document.Jurisdiction.values)}")

        self.change_reason = f"Loaded from the corpus ({path.name})"
        is_new = not Document.objects.filter(slug=slug).exists()
        self.first_version_date = self._issue_datetime(data, source) if is_new else None

        topics = []
        for topic_slug in list_of(data, "topics", source):
            if topic_slug not in self.topics:
                raise source.error(f"unknown topic “{topic_slug}” (see topics.yaml)")
            topics.append(self.topics[topic_slug])

        document = self._sync(
            Document,
            {"slug": slug},
            {
                "kind": kind,
                "form": data.get("form") or "",
                "title_en": require(data, "title_en", source),
                "title_zh": data.get("title_zh") or "",
                "title_note": data.get("title_note") or "",
                "short_title": require(data, "short_title", source),
                "alternative_titles": [str(title) for title in data.get("alternative_titles") or []],
                "notice_title_en": data.get("notice_title_en") or "",
                "notice_title_zh": data.get("notice_title_zh") or "",
                "doc_number": data.get("doc_number") or "",
                "doc_number_note": data.get("doc_number_note") or "",
                "doc_number_verified": data.get("doc_number_verified", True),
                "jurisdiction": jurisdiction,
                "rank": rank,
                "level": data.get("level") or "",
                "language": data.get("language") or "zh",
                "status_note": data.get("status_note") or "",
                "official_url": official.get("url") or "",
                "official_publisher": official.get("publisher") or "",
                "eli": data.get("eli") or "",
                "dates_note": data.get("dates_note") or "",
                "summary": require(data, "summary", source),
                "details": dict(data.get("details") or {}),
                "sources": list(data.get("sources") or []),
            },
            m2m={"topics": topics},
        )
        self._load_issuers(document, data, source)
        self._load_provisions(document, path, list_of(data, "provisions", source))
        return document, data

    def _issue_datetime(self, data, source) -> datetime.datetime | None:
        """When the document was made (its earliest adoption, signature, issue…): its first version's date."""
        issued = []
        for entry in data.get("events") or []:
            if isinstance(entry, dict) and entry.get("kind") in LegalEvent.MAKING and entry.get("date"):
                issued.append(
                    parse_partial_date(entry["date"], source.path, Source(source.path, entry).line, "date")[0]
                )
        if not issued:
            return None
        return timezone.make_aware(datetime.datetime.combine(min(issued), datetime.time.min))

    def _load_issuers(self, document, data, source):
        wanted = []
        for position, entry in enumerate(list_of(data, "issuers", source)):
            entry_source = Source(source.path, entry) if isinstance(entry, Mapping) else source
            slug, role = (entry, "") if isinstance(entry, str) else (entry.get("authority"), entry.get("role") or "")
            if slug not in self.authorities:
                raise entry_source.error(f"unknown issuer “{slug}” (see authorities.yaml)")
            wanted.append(
                self._sync(
                    DocumentIssuer,
                    {"document": document, "authority": self.authorities[slug]},
                    {"position": position, "role": role},
                ).pk
            )
        self._delete_missing(DocumentIssuer.objects.filter(document=document), set(wanted))

    def _load_provisions(self, document, path, tree):
        seen: dict[str, int] = {}
        kept_provisions, kept_targets = set(), set()
        position = 0

        def walk(entries, parent):
            nonlocal position
            for entry in entries:
                source = Source(path, entry)
                eid = require(entry, "eid", source)
                check_keys(entry, self.PROVISION_KEYS, source, f"provision “{eid}”")
                if eid in seen:
                    raise source.error(f"duplicate identifier “{eid}” (first used on line {seen[eid]})")
                seen[eid] = source.line
                try:
                    eid_validator(eid)
                except Exception:
                    raise source.error(f"“{eid}” is not a valid identifier (e.g. part_2__sec_7__item_2)") from None
                if parent is not None and not eid.startswith(parent.eid + "__"):
                    raise source.error(f"identifier “{eid}” must start with its parent's “{parent.eid}__”")
                kind = require(entry, "kind", source)
                if kind not in Provision.Kind.values:
                    raise source.error(f"kind “{kind}” is not one of {', '.join(Provision.Kind.values)}")
                industries = []
                for slug in list_of(entry, "industries", source):
                    if slug not in self.industries:
                        raise source.error(f"unknown industry “{slug}” in provision “{eid}” (see industries.yaml)")
                    industries.append(self.industries[slug])
                provision = self._sync(
                    Provision,
                    {"document": document, "eid": eid},
                    {
                        "parent": parent,
                        "position": position,
                        "num": str(entry.get("num") or ""),
                        "kind": kind,
                        "heading_en": require(entry, "heading_en", source),
                        "heading_zh": entry.get("heading_zh") or "",
                        "heading_zh_note": entry.get("heading_zh_note") or "",
                        "heading_official_en": entry.get("heading_official_en") or "",
                        "articles": entry.get("articles") or "",
                        "text": entry.get("text") or "",
                        "text_original": entry.get("text_original") or "",
                        "key_terms": list(entry.get("key_terms") or []),
                        "responsible_agencies": [dict(a) for a in entry.get("responsible_agencies") or []],
                        "verified": entry.get("verified", True),
                        "note": entry.get("note") or "",
                        "details": dict(entry.get("details") or {}),
                    },
                    m2m={"industries": industries},
                )
                position += 1
                kept_provisions.add(provision.pk)
                for target_position, target in enumerate(list_of(entry, "targets", source)):
                    kept_targets.add(self._load_target(provision, target_position, target, path).pk)
                walk(list_of(entry, "children", source), provision)

        walk(tree, None)
        self._delete_missing(Target.objects.filter(provision__document=document), kept_targets)
        # Children first, so that a removed subtree goes without tripping the tree trigger.
        stale = Provision.objects.filter(document=document).exclude(pk__in=kept_provisions)
        if stale.exists():
            self.report.deleted["provisions"] += stale.count()
            self.note_deletions(stale.select_related("document"))
            for provision in stale.order_by("-depth"):
                provision.delete()

    def _load_target(self, provision, position, entry, path):
        source = Source(path, entry)
        check_keys(entry, self.TARGET_KEYS, source, "a target")
        direction = require(entry, "direction", source)
        if direction not in Target.Direction.values:
            raise source.error(f"direction “{direction}” is not one of {', '.join(Target.Direction.values)}")
        baseline_year = year(entry.get("baseline_year"), source, "baseline_year")
        target_year = year(entry.get("target_year"), source, "target_year")
        if baseline_year and target_year and baseline_year > target_year:
            raise source.error(f"baseline year {baseline_year} is after target year {target_year}")
        return self._sync(
            Target,
            {"provision": provision, "position": position},
            {
                "metric": require(entry, "metric", source),
                "metric_zh": entry.get("metric_zh") or "",
                "scope": entry.get("scope") or "",
                "baseline_year": baseline_year,
                "baseline_value": decimal(entry.get("baseline_value"), source, "baseline_value"),
                "target_year": target_year,
                "value": decimal(entry.get("value"), source, "value"),
                "unit": require(entry, "unit", source),
                "comparison": entry.get("comparison") or "",
                "direction": direction,
                "description": entry.get("description") or "",
                "verified": entry.get("verified", True),
                "note": entry.get("note") or "",
            },
        )

    def _resolve(self, reference: str, source: Source, what: str):
        slug, _, eid = str(reference).partition("#")
        if slug not in self.documents:
            raise source.error(f"{what} “{reference}”: no document “{slug}” in the corpus")
        if not eid:
            return self.documents[slug], None
        provision = self.provisions.get((slug, eid))
        if provision is None:
            raise source.error(f"{what} “{reference}”: document “{slug}” has no provision “{eid}”")
        return self.documents[slug], provision

    def _load_document_links(self, path: Path, document: Document, data):
        source = Source(path, data)
        self.change_reason = f"Loaded from the corpus ({path.name})"
        self.first_version_date = self._issue_datetime(data, source) if document.pk in self.created_documents else None
        self._load_events(path, document, data)

        keep = set()
        for position, entry in enumerate(list_of(data, "relations", source)):
            entry_source = Source(path, entry)
            check_keys(entry, ["type", "from", "to", "note", "asserted_by", "asserted_on"], entry_source, "a relation")
            type_slug = require(entry, "type", entry_source)
            if type_slug not in self.relation_types:
                raise entry_source.error(f"unknown relation type “{type_slug}” (see relation-types.yaml)")
            source_provision = None
            if entry.get("from"):
                _, source_provision = self._resolve(f"{document.slug}#{entry['from']}", entry_source, "from")
            target_document, target_provision = self._resolve(require(entry, "to", entry_source), entry_source, "to")
            asserted_on = None
            if entry.get("asserted_on"):
                asserted_on, precision = parse_partial_date(
                    entry["asserted_on"], path, entry_source.line, "asserted_on"
                )
                if precision != "day":
                    raise entry_source.error("asserted_on needs a full date (YYYY-MM-DD)")
            lookup = {
                "type": self.relation_types[type_slug],
                "source_document": document,
                "source_provision": source_provision,
                "target_document": target_document,
                "target_provision": target_provision,
            }
            existing = Relation.objects.filter(**lookup).first()
            if existing is not None and existing.pk in keep:
                raise entry_source.error("this relation is listed twice")
            keep.add(
                self._sync(
                    Relation,
                    lookup,
                    {
                        "note": entry.get("note") or "",
                        "asserted_by": entry.get("asserted_by") or "Rulebook research",
                        "asserted_on": asserted_on,
                        "position": position,
                    },
                ).pk
            )
        self._delete_missing(Relation.objects.filter(source_document=document), keep)

    def _load_events(self, path: Path, document: Document, data):
        """The document's legal events, in file order; `by` and `provisions` name what the corpus holds."""
        keep = set()
        for position, entry in enumerate(list_of(data, "events", Source(path, data))):
            source = Source(path, entry)
            check_keys(entry, self.EVENT_KEYS, source, "a legal event")
            kind = require(entry, "kind", source)
            if kind not in LegalEvent.Kind.values:
                raise source.error(f"event kind “{kind}” is not one of {', '.join(LegalEvent.Kind.values)}")
            date, precision = parse_partial_date(require(entry, "date", source), path, source.line, "date")
            by = self._resolve(entry["by"], source, "by")[0] if entry.get("by") else None
            provisions = [
                self._resolve(f"{document.slug}#{eid}", source, "provisions")[1]
                for eid in list_of(entry, "provisions", source)
            ]
            keep.add(
                self._sync(
                    LegalEvent,
                    {"document": document, "position": position},
                    {
                        "kind": kind,
                        "date": date,
                        "precision": precision,
                        "instrument": str(entry.get("instrument") or ""),
                        "by": by,
                        "verified": entry.get("verified", True),
                        "note": entry.get("note") or "",
                        "source_url": entry.get("source") or "",
                    },
                    m2m={"provisions": provisions},
                ).pk
            )
        self._delete_missing(LegalEvent.objects.filter(document=document), keep)
