"""Load the corpus folder into the database.

Layout of a corpus folder:

    authorities.yaml  topics.yaml  relation-types.yaml  industries.yaml  glossary.yaml
    documents/<slug>.yaml        one file per document, with its provision tree and relations

Loading is atomic (one transaction: any error leaves the database as it was), idempotent
(objects are compared field by field and only the changed ones are written), and reports
errors with the file and line. `regulations.corpus.exporter` writes the same files back.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from regulations.corpus.document_files import DocumentFilesLoading
from regulations.corpus.files import CorpusError, Progress, read_yaml
from regulations.corpus.reference_files import ReferenceFilesLoading
from regulations.models import (
    Document,
    Provision,
)


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values()))

    deletions: list[str] = field(default_factory=list)  # what the load deletes, one line per object

    def summary(self) -> str:
        parts = []
        for label, counter in (("created", self.created), ("updated", self.updated), ("deleted", self.deleted)):
            if counter:
                parts.append(f"{label} " + ", ".join(f"{n} {name}" for name, n in sorted(counter.items())))
        return "; ".join(parts) or "nothing changed"


MAX_FILE_BYTES = 5_000_000  # the largest corpus file is about 0.2 MB; anything this big is not one
SHOWN_DELETIONS = 30


class DryRunFinished(Exception):
    """Ends a dry run inside its transaction, so that nothing it did is kept."""


class CorpusLoader(ReferenceFilesLoading, DocumentFilesLoading):
    """Loads a corpus folder. A load that would delete anything is refused unless deletions are allowed, so a
    damaged or truncated file never removes content silently; a dry run does everything and keeps nothing."""

    def __init__(
        self, folder: Path, progress: Progress | None = None, *, allow_deletions: bool = False, dry_run: bool = False
    ):
        self.allow_deletions, self.dry_run = allow_deletions, dry_run
        self.folder = Path(folder)
        self.progress = progress or (lambda message: None)
        self.report = LoadReport()
        # History: what a load creates for a new document dates from the document's issue, not from today.
        self.first_version_date: datetime.datetime | None = None
        self.change_reason = "Loaded from the corpus"

    def read(self, path: Path):
        """One corpus file, parsed (the one place files are read, for both kinds of file)."""
        if path.exists() and path.stat().st_size > MAX_FILE_BYTES:
            size = path.stat().st_size / 1_000_000
            raise CorpusError(
                f"the file is {size:.1f} MB; a corpus file is at most {MAX_FILE_BYTES // 1_000_000} MB", path
            )
        return read_yaml(path)

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
            self.note_deletions(stale)
            stale.delete()

    def note_deletions(self, objects):
        name = objects.model._meta.verbose_name
        self.report.deletions += [f"{name} “{obj}”" for obj in objects]

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
                if self.report.deletions and not (self.allow_deletions or self.dry_run):
                    raise CorpusError(self._refusal())
                if self.dry_run:
                    raise DryRunFinished
        except DryRunFinished:
            pass
        except IntegrityError as error:
            raise CorpusError(f"the database refused the data: {error}") from error
        return self.report

    def _refusal(self) -> str:
        shown = self.report.deletions[:SHOWN_DELETIONS]
        more = len(self.report.deletions) - len(shown)
        listing = "; ".join(shown) + (f"; and {more} more" if more else "")
        return (
            f"this load would delete {len(self.report.deletions)} object(s) that the files no longer contain "
            f"({listing}). Nothing was changed. If a file was cut short or damaged, restore it; if the deletions "
            "are intended, load again with --allow-deletions (--dry-run shows the whole plan)."
        )

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


def load_corpus(
    folder: Path, progress: Progress | None = None, *, allow_deletions: bool = False, dry_run: bool = False
) -> LoadReport:
    return CorpusLoader(folder, progress, allow_deletions=allow_deletions, dry_run=dry_run).load()
