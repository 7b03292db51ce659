from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from regulations.corpus.exporter import export_corpus


class Command(BaseCommand):
    help = "Write the database back to a corpus folder, in the format load_regulations reads."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default=str(settings.CORPUS_DIR))

    def handle(self, folder, verbosity=1, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        written = export_corpus(Path(folder), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files to {folder}."))
