from django.core.management.base import BaseCommand, CommandError

from operations.health import check_services


class Command(BaseCommand):
    help = (
        "Say whether the database, the search index and the cache answer, with the reason when one does not; "
        "exits 1 then. gunicorn runs it at start-up (config/gunicorn.py)."
    )
    requires_system_checks = []

    def handle(self, **options):
        states = check_services()
        for state in states:
            line = f"{state.name}: ok" if state.ok else f"{state.name}: ERROR {state.reason}"
            self.stdout.write(self.style.SUCCESS(line) if state.ok else self.style.ERROR(line))
        failing = [state.name for state in states if not state.ok]
        if failing:
            raise CommandError(f"Rulebook starts, but answers 503 until these answer: {', '.join(failing)}.")
