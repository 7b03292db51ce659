import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search import outbox, statuses
from search.backends import get_backend
from search.backends.base import IndexUnavailableError
from search.indexing import check_index, rebuild_index


class Command(BaseCommand):
    help = (
        "Build a complete new search index beside the current one and swap it in, "
        "or with --check compare the index with the database (and with --fix repair it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backend", default="default", help="Which SEARCH_BACKENDS entry (default: default).")
        parser.add_argument("--check", action="store_true", help="Report missing, stale and extra entries.")
        parser.add_argument("--fix", action="store_true", help="With --check: reindex what the check found.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, **options):
        backend = get_backend(options["backend"])
        if options["fix"] and not options["check"]:
            raise CommandError("--fix goes with --check.")
        try:
            self.run(backend, options)
        except IndexUnavailableError as error:
            raise CommandError(str(error)) from error

    def run(self, backend, options):
        if options["check"]:
            try:
                report = check_index(backend, fix=options["fix"])
            except IndexUnavailableError as error:
                self.stdout.write(self.style.ERROR(f"The index is damaged: {error}"))
                if not options["fix"]:
                    self.stdout.write(self.style.WARNING("Run with --check --fix to rebuild it."))
                    raise SystemExit(1) from error
                count = rebuild_index(backend)
                self.stdout.write(self.style.SUCCESS(f"Repaired: rebuilt the index with {count} entries."))
                return
            pending = outbox.status()
            day = statuses.derived_for()
            if day is None or day < timezone.localdate():
                since = f"{day:%Y-%m-%d}" if day else "an unknown day"
                self.stdout.write(f"Statuses in the index were derived for {since}; the next search refreshes them.")
            if pending.pending:
                self.stdout.write(
                    f"{pending.pending} index updates pending (oldest {pending.oldest_seconds:.0f} s ago)"
                    + (f", {pending.failing} failing: {pending.last_error}" if pending.failing else "")
                )
            for label, keys in (("missing", report.missing), ("stale", report.stale), ("extra", report.extra)):
                if keys:
                    shown = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
                    self.stdout.write(f"{len(keys)} {label}: {shown}")
            if report.ok and not pending.failing:
                self.stdout.write(self.style.SUCCESS("The index matches the database."))
            elif options["fix"] and not pending.failing:
                self.stdout.write(self.style.SUCCESS("Repaired."))
            elif options["fix"]:
                self.stdout.write(self.style.ERROR("The pending updates still fail; see the error above."))
                raise SystemExit(1)
            else:
                self.stdout.write(self.style.WARNING("Run with --check --fix to repair."))
                raise SystemExit(1)
            return
        started = time.perf_counter()
        show = not options["no_progress"] and self.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if not show:
                return
            width = 30
            filled = width * done // max(total, 1)
            sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stdout.flush()

        count = rebuild_index(backend, progress=progress)
        if show:
            sys.stdout.write("\n")
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} entries in {time.perf_counter() - started:.1f} s ({backend.path}).")
        )
