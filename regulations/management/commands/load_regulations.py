from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regulations.corpus.files import CorpusError
from regulations.corpus.loader import load_corpus
from regulations.site import page_cache


class Command(BaseCommand):
    help = (
        "Load a corpus folder (documents, industries, glossary) into the database. "
        "Idempotent and atomic: a second run changes nothing, and any error changes nothing. "
        "A load that would delete anything is refused unless --allow-deletions is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default=str(settings.CORPUS_DIR))
        parser.add_argument("--dry-run", action="store_true", help="Show what the load would change; change nothing.")
        parser.add_argument(
            "--allow-deletions", action="store_true", help="Delete what the files no longer contain (listed)."
        )

    def handle(self, folder, verbosity=1, dry_run=False, allow_deletions=False, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        try:
            with page_cache.paused():
                report = load_corpus(Path(folder), progress=progress, allow_deletions=allow_deletions, dry_run=dry_run)
        except CorpusError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        for line in report.deletions:
            self.stdout.write(f"  {'would delete' if dry_run else 'deleted'} {line}")
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run of {folder}, nothing changed: {report.summary()}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {folder}: {report.summary()}."))
