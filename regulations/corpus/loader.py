"""Load the corpus folder into the database, and export the database back to it.

Layout of a corpus folder:

    authorities.yaml  topics.yaml  relation-types.yaml  industries.yaml  glossary.yaml
    documents/<slug>.yaml        one file per document, with its provision tree and relations

Loading is atomic (one transaction: any error leaves the database as it was), idempotent
(objects are compared field by field and only the changed ones are written), and reports
errors with the file and line. Exporting writes the same files in canonical form.
"""

import datetime
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from regulations.corpus.files import CorpusError, Mapping, read_yaml, write_yaml
from regulations.models import (
    Authority,
    Document,
    DocumentDate,
    DocumentIssuer,
    GlossaryTerm,
    Industry,
    Provision,
    Relation,
    RelationType,
    Target,
    Topic,
    eid_validator,
)

FILE_HEADER = (
    "# Rulebook corpus file. Facts (titles, numbers, dates, figures, official headings) come from\n"
    "# the sources listed; descriptive English text is our own. Edit, then run\n"
    "# `python manage.py load_regulations` (or `make load`).\n"
)
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
Progress = Callable[[str], None]


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values()))

    def summary(self) -> str:
        parts = []
        for label, counter in (("created", self.created), ("updated", self.updated), ("deleted", self.deleted)):
            if counter:
                parts.append(f"{label} " + ", ".join(f"{n} {name}" for name, n in sorted(counter.items())))
        return "; ".join(parts) or "nothing changed"


def parse_partial_date(value, path, line, field_name) -> tuple[datetime.date, str]:
    """'2024', '2024-12' or '2024-12-24' → (first day of that period, precision)."""
    match = DATE_RE.match(str(value)) if value is not None else None
    if not match:
        raise CorpusError(
            f"{field_name}: “{value}” is not a date (write YYYY-MM-DD, or YYYY-MM or YYYY when only "
            "that much is known)",
            path,
            line,
        )
    year, month, day = match.groups()
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise CorpusError(f"{field_name}: “{value}” is not a real date ({error})", path, line) from None
    precision = "day" if day else "month" if month else "year"
    return date, precision


def format_partial_date(date: datetime.date, precision: str) -> str:
    return date.isoformat()[: {"year": 4, "month": 7}.get(precision, 10)]


class _Source:
    """Where an entry came from, for error messages."""

    def __init__(self, path: Path, entry):
        self.path = path
        self.line = entry.line if isinstance(entry, Mapping) else None

    def error(self, message: str) -> CorpusError:
        return CorpusError(message, self.path, self.line)


def _require(entry, key, source: _Source):
    if not isinstance(entry, dict):
        raise source.error(f"expected a mapping with “{key}”, found {type(entry).__name__}")
    value = entry.get(key)
    if value in (None, ""):
        raise source.error(f"“{key}” is missing")
    return value


def _list(entry, key, source: _Source) -> list:
    value = entry.get(key) or []
    if not isinstance(value, list):
        raise source.error(f"“{key}” must be a list")
    return value


def _check_keys(entry, allowed: Iterable[str], source: _Source, what: str):
    unknown = set(entry) - set(allowed)
    if unknown:
        raise source.error(f"unknown field(s) in {what}: {', '.join(sorted(unknown))}")


def _decimal(value, source: _Source, name: str):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise source.error(f"{name}: “{value}” is not a number") from None


def _year(value, source: _Source, name: str):
    if value is None:
        return None
    if not isinstance(value, int) or not 1900 <= value <= 2200:
        raise source.error(f"{name}: “{value}” is not a year")
    return value


class CorpusLoader:
    def __init__(self, folder: Path, progress: Progress | None = None):
        self.folder = Path(folder)
        self.progress = progress or (lambda message: None)
        self.report = LoadReport()
        # History: what a load creates for a new document dates from the document's issue, not from today.
        self.first_version_date: datetime.datetime | None = None
        self.change_reason = "Loaded from the corpus"

    # -- generic upsert -------------------------------------------------------------------
    def _sync(self, model, lookup: dict, values: dict, m2m: dict | None = None):
        name = model._meta.verbose_name_plural
        instance = model.objects.filter(**lookup).first()
        created = instance is None
        if created:
            instance = model(**lookup, **values)
            if self.first_version_date is not None:
                instance._history_date = self.first_version_date
            changed = True
        else:
            changed = any(getattr(instance, key) != value for key, value in values.items())
            for key, value in values.items():
                setattr(instance, key, value)
        links = {
            relation: wanted
            for relation, wanted in (m2m or {}).items()
            if created or {obj.pk for obj in getattr(instance, relation).all()} != {obj.pk for obj in wanted}
        }
        if changed or links:
            instance._change_reason = self.change_reason
            # Saved even when only links change: the save raises the revision and starts the version
            # that the links are then recorded in (regulations.history).
            instance.save()
            for relation, wanted in links.items():
                getattr(instance, relation).set(wanted)
            if created:
                self.report.created[name] += 1
            else:
                self.report.updated[name] += 1
        else:
            self.report.unchanged[name] += 1
        return instance

    def _delete_missing(self, queryset, keep_pks: set):
        stale = queryset.exclude(pk__in=keep_pks)
        count = stale.count()
        if count:
            self.report.deleted[queryset.model._meta.verbose_name_plural] += count
            stale.delete()

    # -- entry point ----------------------------------------------------------------------
    def load(self) -> LoadReport:
        if not self.folder.is_dir():
            raise CorpusError(f"corpus folder {self.folder} does not exist")
        document_paths = sorted((self.folder / "documents").glob("*.yaml"))
        if not document_paths:
            raise CorpusError("no document files found", self.folder / "documents")
        try:
            with transaction.atomic():
                self._load_all(document_paths)
        except IntegrityError as error:
            raise CorpusError(f"the database refused the data: {error}") from error
        return self.report

    def _load_all(self, document_paths: list[Path]):
        self.authorities = self._load_authorities(self.folder / "authorities.yaml")
        self.topics = self._load_topics(self.folder / "topics.yaml")
        self.relation_types = self._load_relation_types(self.folder / "relation-types.yaml")
        self.industries = self._load_industries(self.folder / "industries.yaml")

        existing_documents = set(Document.objects.values_list("pk", flat=True))
        parsed = []
        for number, path in enumerate(document_paths, 1):
            self.progress(f"[{number}/{len(document_paths)}] {path.name}")
            parsed.append((path, self._load_document(path)))
        self._delete_missing(Document.objects.all(), {document.pk for _, (document, _) in parsed})

        self.documents = {document.slug: document for _, (document, _) in parsed}
        self.created_documents = set(document.pk for document in self.documents.values()) - existing_documents
        self.provisions = {
            (provision.document.slug, provision.eid): provision
            for provision in Provision.objects.select_related("document")
        }
        for path, (document, data) in parsed:
            self._load_document_links(path, document, data)
        self.first_version_date, self.change_reason = None, "Loaded from the corpus"
        self._load_glossary(self.folder / "glossary.yaml")

    # -- reference files ------------------------------------------------------------------
    def _entries(self, path: Path) -> list:
        if not path.exists():
            raise CorpusError("file is missing", path)
        data = read_yaml(path)
        if not isinstance(data, list):
            raise CorpusError("expected a list of entries", path)
        return data

    def _load_authorities(self, path):
        authorities = {}
        for entry in self._entries(path):
            source = _Source(path, entry)
            slug = _require(entry, "slug", source)
            _check_keys(entry, ["slug", "abbreviation", "name_en", "name_zh", "short_name_zh"], source, "an authority")
            if slug in authorities:
                raise source.error(f"duplicate authority “{slug}”")
            authorities[slug] = self._sync(
                Authority,
                {"slug": slug},
                {
                    "abbreviation": entry.get("abbreviation") or "",
                    "name_en": entry.get("name_en") or "",
                    "name_zh": _require(entry, "name_zh", source),
                    "short_name_zh": entry.get("short_name_zh") or "",
                },
            )
        return authorities

    def _load_topics(self, path):
        topics = {}
        for position, entry in enumerate(self._entries(path)):
            source = _Source(path, entry)
            slug = _require(entry, "slug", source)
            _check_keys(entry, ["slug", "name_en", "name_zh", "description"], source, "a topic")
            topics[slug] = self._sync(
                Topic,
                {"slug": slug},
                {
                    "name_en": _require(entry, "name_en", source),
                    "name_zh": entry.get("name_zh") or "",
                    "description": entry.get("description") or "",
                    "position": position,
                },
            )
        return topics

    def _load_relation_types(self, path):
        types = {}
        for position, entry in enumerate(self._entries(path)):
            source = _Source(path, entry)
            slug = _require(entry, "slug", source)
            _check_keys(entry, ["slug", "verb", "reverse_verb", "symmetric"], source, "a relation type")
            types[slug] = self._sync(
                RelationType,
                {"slug": slug},
                {
                    "verb": _require(entry, "verb", source),
                    "reverse_verb": _require(entry, "reverse_verb", source),
                    "symmetric": bool(entry.get("symmetric", False)),
                    "position": position,
                },
            )
        return types

    def _load_industries(self, path):
        industries = {}
        entries = self._entries(path)
        for position, entry in enumerate(entries):
            source = _Source(path, entry)
            slug = _require(entry, "slug", source)
            _check_keys(
                entry,
                ["slug", "name_en", "name_zh", "parent", "aliases", "gbt4754", "isic", "note"],
                source,
                "an industry",
            )
            if slug in industries:
                raise source.error(f"duplicate industry “{slug}”")
            parent_slug = entry.get("parent")
            if parent_slug and parent_slug not in industries:
                raise source.error(
                    f"parent “{parent_slug}” is not an industry listed above “{slug}” "
                    "(list a parent before its children)"
                )
            gbt = entry.get("gbt4754") or {}
            isic = entry.get("isic") or {}
            industries[slug] = self._sync(
                Industry,
                {"slug": slug},
                {
                    "name_en": _require(entry, "name_en", source),
                    "name_zh": _require(entry, "name_zh", source),
                    "parent": industries.get(parent_slug),
                    "position": position,
                    "aliases": list(entry.get("aliases") or []),
                    "gbt4754_divisions": [str(code) for code in gbt.get("divisions") or []],
                    "gbt4754_classes": [str(code) for code in gbt.get("classes") or []],
                    "gbt4754_verified": gbt.get("verified", True),
                    "gbt4754_note": gbt.get("note") or "",
                    "isic_divisions": [str(code) for code in isic.get("divisions") or []],
                    "isic_classes": [str(code) for code in isic.get("classes") or []],
                    "isic_verified": isic.get("verified", True),
                    "isic_note": isic.get("note") or "",
                    "note": entry.get("note") or "",
                },
            )
        self._delete_missing(Industry.objects.filter(parent__isnull=False), {i.pk for i in industries.values()})
        self._delete_missing(Industry.objects.all(), {i.pk for i in industries.values()})
        return industries

    # -- documents ------------------------------------------------------------------------
    DOCUMENT_KEYS = [
        "slug", "kind", "form", "title_en", "title_zh", "title_note", "short_title",
        "notice_title_en", "notice_title_zh", "doc_number", "doc_number_note", "doc_number_verified",
        "jurisdiction", "level", "language", "issuers", "topics", "dates", "dates_verified",
        "dates_note", "status", "status_detail", "status_verified", "status_note", "superseded_by",
        "summary", "details", "sources", "provisions", "relations",
    ]  # fmt: skip
    PROVISION_KEYS = [
        "eid", "num", "kind", "heading_en", "heading_zh", "heading_zh_note", "heading_official_en",
        "articles", "status", "text", "key_terms", "responsible_agencies", "industries", "targets",
        "verified", "note", "details", "children",
    ]  # fmt: skip
    TARGET_KEYS = [
        "metric", "metric_zh", "scope", "baseline_year", "baseline_value", "target_year", "value",
        "unit", "comparison", "direction", "description", "verified", "note",
    ]  # fmt: skip

    def _load_document(self, path: Path):
        data = read_yaml(path)
        source = _Source(path, data)
        if not isinstance(data, dict):
            raise source.error("expected a mapping describing one document")
        _check_keys(data, self.DOCUMENT_KEYS, source, "the document")
        slug = _require(data, "slug", source)
        if slug != path.stem:
            raise source.error(f"slug “{slug}” must match the file name “{path.stem}”")
        kind = _require(data, "kind", source)
        if kind not in Document.Kind.values:
            raise source.error(f"kind “{kind}” is not one of {', '.join(Document.Kind.values)}")
        status = data.get("status") or Document.Status.IN_FORCE
        if status not in Document.Status.values:
            raise source.error(f"status “{status}” is not one of {', '.join(Document.Status.values)}")
        jurisdiction = _require(data, "jurisdiction", source)
        if jurisdiction not in Document.Jurisdiction.values:
            raise source.error(f"jurisdiction “{jurisdiction}” is not one of {', '.join(Document.Jurisdiction.values)}")

        self.change_reason = f"Loaded from the corpus ({path.name})"
        is_new = not Document.objects.filter(slug=slug).exists()
        self.first_version_date = self._issue_datetime(data, source) if is_new else None

        topics = []
        for topic_slug in _list(data, "topics", source):
            if topic_slug not in self.topics:
                raise source.error(f"unknown topic “{topic_slug}” (see topics.yaml)")
            topics.append(self.topics[topic_slug])

        document = self._sync(
            Document,
            {"slug": slug},
            {
                "kind": kind,
                "form": data.get("form") or "",
                "title_en": _require(data, "title_en", source),
                "title_zh": data.get("title_zh") or "",
                "title_note": data.get("title_note") or "",
                "short_title": _require(data, "short_title", source),
                "notice_title_en": data.get("notice_title_en") or "",
                "notice_title_zh": data.get("notice_title_zh") or "",
                "doc_number": data.get("doc_number") or "",
                "doc_number_note": data.get("doc_number_note") or "",
                "doc_number_verified": data.get("doc_number_verified", True),
                "jurisdiction": jurisdiction,
                "level": data.get("level") or "",
                "language": data.get("language") or "zh",
                "status": status,
                "status_detail": data.get("status_detail") or "",
                "status_verified": data.get("status_verified", True),
                "status_note": data.get("status_note") or "",
                "dates_note": data.get("dates_note") or "",
                "summary": _require(data, "summary", source),
                "details": dict(data.get("details") or {}),
                "sources": list(data.get("sources") or []),
            },
            m2m={"topics": topics},
        )
        self._load_issuers(document, data, source)
        self._load_dates(document, data, source)
        self._load_provisions(document, path, _list(data, "provisions", source))
        return document, data

    def _issue_datetime(self, data, source) -> datetime.datetime | None:
        dates = data.get("dates") or {}
        if not isinstance(dates, dict):
            return None
        line = dates.line if isinstance(dates, Mapping) else source.line
        issued = [
            parse_partial_date(value, source.path, line, f"dates.{kind}")[0]
            for kind, value in dates.items()
            if kind in DocumentDate.DOCUMENT_DATES
        ]
        if not issued:
            return None
        return timezone.make_aware(datetime.datetime.combine(min(issued), datetime.time.min))

    def _load_issuers(self, document, data, source):
        wanted = []
        for position, entry in enumerate(_list(data, "issuers", source)):
            entry_source = _Source(source.path, entry) if isinstance(entry, Mapping) else source
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

    def _load_dates(self, document, data, source):
        dates = data.get("dates") or {}
        if not isinstance(dates, dict):
            raise source.error("“dates” must map a kind of date to the date")
        verified = data.get("dates_verified", True)
        line = dates.line if isinstance(dates, Mapping) else source.line
        keep = set()
        for kind, value in dates.items():
            if kind not in DocumentDate.Kind.values:
                raise CorpusError(
                    f"dates: unknown kind of date “{kind}” (one of {', '.join(DocumentDate.Kind.values)})",
                    source.path,
                    line,
                )
            date, precision = parse_partial_date(value, source.path, line, f"dates.{kind}")
            keep.add(
                self._sync(
                    DocumentDate,
                    {"document": document, "kind": kind},
                    {"date": date, "precision": precision, "verified": verified},
                ).pk
            )
        self._delete_missing(DocumentDate.objects.filter(document=document), keep)

    def _load_provisions(self, document, path, tree):
        seen: dict[str, int] = {}
        kept_provisions, kept_targets = set(), set()
        position = 0

        def walk(entries, parent, depth):
            nonlocal position
            for entry in entries:
                source = _Source(path, entry)
                eid = _require(entry, "eid", source)
                _check_keys(entry, self.PROVISION_KEYS, source, f"provision “{eid}”")
                if eid in seen:
                    raise source.error(f"duplicate identifier “{eid}” (first used on line {seen[eid]})")
                seen[eid] = source.line
                try:
                    eid_validator(eid)
                except Exception:
                    raise source.error(f"“{eid}” is not a valid identifier (e.g. part_2__sec_7__item_2)") from None
                if parent is not None and not eid.startswith(parent.eid + "__"):
                    raise source.error(f"identifier “{eid}” must start with its parent's “{parent.eid}__”")
                kind = _require(entry, "kind", source)
                if kind not in Provision.Kind.values:
                    raise source.error(f"kind “{kind}” is not one of {', '.join(Provision.Kind.values)}")
                status = entry.get("status") or ""
                if status not in Provision.Status.values:
                    raise source.error(
                        f"status “{status}” is not one of {', '.join(v for v in Provision.Status.values if v)}"
                    )
                industries = []
                for slug in _list(entry, "industries", source):
                    if slug not in self.industries:
                        raise source.error(f"unknown industry “{slug}” in provision “{eid}” (see industries.yaml)")
                    industries.append(self.industries[slug])
                provision = self._sync(
                    Provision,
                    {"document": document, "eid": eid},
                    {
                        "parent": parent,
                        "position": position,
                        "depth": depth,
                        "num": str(entry.get("num") or ""),
                        "kind": kind,
                        "heading_en": _require(entry, "heading_en", source),
                        "heading_zh": entry.get("heading_zh") or "",
                        "heading_zh_note": entry.get("heading_zh_note") or "",
                        "heading_official_en": entry.get("heading_official_en") or "",
                        "articles": entry.get("articles") or "",
                        "status": status,
                        "text": entry.get("text") or "",
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
                for target_position, target in enumerate(_list(entry, "targets", source)):
                    kept_targets.add(self._load_target(provision, target_position, target, path).pk)
                walk(_list(entry, "children", source), provision, depth + 1)

        walk(tree, None, 0)
        self._delete_missing(Target.objects.filter(provision__document=document), kept_targets)
        # Children first, so that a removed subtree goes without tripping the tree trigger.
        stale = Provision.objects.filter(document=document).exclude(pk__in=kept_provisions)
        if stale.exists():
            self.report.deleted["provisions"] += stale.count()
            for provision in stale.order_by("-depth"):
                provision.delete()

    def _load_target(self, provision, position, entry, path):
        source = _Source(path, entry)
        _check_keys(entry, self.TARGET_KEYS, source, "a target")
        direction = _require(entry, "direction", source)
        if direction not in Target.Direction.values:
            raise source.error(f"direction “{direction}” is not one of {', '.join(Target.Direction.values)}")
        baseline_year = _year(entry.get("baseline_year"), source, "baseline_year")
        target_year = _year(entry.get("target_year"), source, "target_year")
        if baseline_year and target_year and baseline_year > target_year:
            raise source.error(f"baseline year {baseline_year} is after target year {target_year}")
        return self._sync(
            Target,
            {"provision": provision, "position": position},
            {
                "metric": _require(entry, "metric", source),
                "metric_zh": entry.get("metric_zh") or "",
                "scope": entry.get("scope") or "",
                "baseline_year": baseline_year,
                "baseline_value": _decimal(entry.get("baseline_value"), source, "baseline_value"),
                "target_year": target_year,
                "value": _decimal(entry.get("value"), source, "value"),
                "unit": _require(entry, "unit", source),
                "comparison": entry.get("comparison") or "",
                "direction": direction,
                "description": entry.get("description") or "",
                "verified": entry.get("verified", True),
                "note": entry.get("note") or "",
            },
        )

    def _resolve(self, reference: str, source: _Source, what: str):
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
        source = _Source(path, data)
        self.change_reason = f"Loaded from the corpus ({path.name})"
        self.first_version_date = self._issue_datetime(data, source) if document.pk in self.created_documents else None
        superseded_by = None
        if data.get("superseded_by"):
            superseded_by, _ = self._resolve(data["superseded_by"], source, "superseded_by")
        if document.superseded_by_id != (superseded_by.pk if superseded_by else None):
            document.superseded_by = superseded_by
            document._change_reason = self.change_reason
            if self.first_version_date is not None:
                # Completes the first version rather than starting a second one on the load's day.
                document._history_date = self.first_version_date
            document.save(update_fields=["superseded_by"])
            if document.pk not in self.created_documents:
                self.report.updated["documents"] += 1

        keep = set()
        for position, entry in enumerate(_list(data, "relations", source)):
            entry_source = _Source(path, entry)
            _check_keys(entry, ["type", "from", "to", "note", "asserted_by", "asserted_on"], entry_source, "a relation")
            type_slug = _require(entry, "type", entry_source)
            if type_slug not in self.relation_types:
                raise entry_source.error(f"unknown relation type “{type_slug}” (see relation-types.yaml)")
            source_provision = None
            if entry.get("from"):
                _, source_provision = self._resolve(f"{document.slug}#{entry['from']}", entry_source, "from")
            target_document, target_provision = self._resolve(_require(entry, "to", entry_source), entry_source, "to")
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

    def _load_glossary(self, path):
        keep = set()
        for position, entry in enumerate(self._entries(path)):
            source = _Source(path, entry)
            slug = _require(entry, "slug", source)
            _check_keys(
                entry,
                [
                    "slug",
                    "term_en",
                    "term_zh",
                    "abbreviations",
                    "synonyms_en",
                    "synonyms_zh",
                    "definition",
                    "note",
                    "see",
                ],
                source,
                "a glossary term",
            )
            see = [self._resolve(ref, source, "see")[1] for ref in _list(entry, "see", source)]
            if any(provision is None for provision in see):
                raise source.error("“see” must name provisions as <document>#<identifier>")
            term = self._sync(
                GlossaryTerm,
                {"slug": slug},
                {
                    "term_en": _require(entry, "term_en", source),
                    "term_zh": entry.get("term_zh") or "",
                    "abbreviations": list(entry.get("abbreviations") or []),
                    "synonyms_en": list(entry.get("synonyms_en") or []),
                    "synonyms_zh": list(entry.get("synonyms_zh") or []),
                    "definition": entry.get("definition") or "",
                    "note": entry.get("note") or "",
                    "position": position,
                },
                m2m={"see_provisions": see},
            )
            if term.pk in keep:
                raise source.error(f"duplicate glossary term “{slug}”")
            keep.add(term.pk)
        self._delete_missing(GlossaryTerm.objects.all(), keep)


def load_corpus(folder: Path, progress: Progress | None = None) -> LoadReport:
    return CorpusLoader(folder, progress).load()


# -- export -------------------------------------------------------------------------------


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
                "status": provision.status,
                "text": provision.text,
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
        return _compact(
            {
                "metric": target.metric,
                "metric_zh": target.metric_zh,
                "scope": target.scope,
                "baseline_year": target.baseline_year,
                "baseline_value": _number(target.baseline_value),
                "target_year": target.target_year,
                "value": _number(target.value),
                "unit": target.unit,
                "comparison": target.comparison,
                "direction": target.direction,
                "description": target.description,
                "verified": target.verified,
                "note": target.note,
            },
            {"verified": True},
        )

    dates = list(document.dates.order_by("date", "kind"))
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
            "notice_title_en": document.notice_title_en,
            "notice_title_zh": document.notice_title_zh,
            "doc_number": document.doc_number,
            "doc_number_note": document.doc_number_note,
            "doc_number_verified": document.doc_number_verified,
            "jurisdiction": document.jurisdiction,
            "level": document.level,
            "language": document.language,
            "issuers": issuers,
            "topics": [topic.slug for topic in document.topics.order_by("position")],
            "dates": {d.kind: format_partial_date(d.date, d.precision) for d in dates},
            "dates_verified": all(d.verified for d in dates),
            "dates_note": document.dates_note,
            "status": document.status,
            "status_detail": document.status_detail,
            "status_verified": document.status_verified,
            "status_note": document.status_note,
            "superseded_by": document.superseded_by.slug if document.superseded_by else "",
            "summary": document.summary,
            "details": _sorted_keys(document.details),
            "sources": document.sources,
            "provisions": [provision_entry(p) for p in children.get(None, [])],
            "relations": relations,
        },
        {"doc_number_verified": True, "dates_verified": True, "status_verified": True, "language": "zh"},
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
