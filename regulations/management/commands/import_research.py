from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regulations.corpus.files import CorpusError
from regulations.corpus.research import write_corpus_from_research


class Command(BaseCommand):
    help = (
        "Convert the research corpus (../shared/corpus) into corpus files. "
        "Then run load_regulations and export_regulations to write them in canonical form."
    )

    def add_arguments(self, parser):
        parser.add_argument("research_dir")
        parser.add_argument("out_dir")

    def handle(self, research_dir, out_dir, **options):
        try:
            written = write_corpus_from_research(Path(research_dir), Path(out_dir))
        except CorpusError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files to {out_dir}."))
