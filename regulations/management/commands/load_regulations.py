from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regulations.corpus.files import CorpusError
from regulations.corpus.loader import load_corpus


class Command(BaseCommand):
    help = (
        "Load a corpus folder (documents, industries, glossary) into the database. "
        "Idempotent and atomic: a second run changes nothing, and any error changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default=str(settings.CORPUS_DIR))

    def handle(self, folder, verbosity=1, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        try:
            report = load_corpus(Path(folder), progress=progress)
        except CorpusError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {folder}: {report.summary()}."))
