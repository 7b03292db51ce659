from io import StringIO

from django.core.management import call_command
from django.db import connection

PROVISION_TREE_TRIGGERS = {
    "sqlite": {"provision_tree_insert", "provision_tree_update"},
    "postgresql": {"provision_tree_check"},
}


def test_every_model_change_has_a_migration(db):
    out = StringIO()
    # Exits with status 1 (SystemExit) when a migration is missing, which fails the test.
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    assert "No changes detected" in out.getvalue()


def test_the_provision_tree_trigger_survives_all_migrations(db):
    # On SQLite, a migration that rebuilds the provision table (AddField, AlterField…) drops its
    # triggers silently; such a migration must be followed by one that creates them again.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'regulations_provision'"
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'regulations_provision'::regclass AND NOT tgisinternal"
            )
        triggers = {name for (name,) in cursor.fetchall()}
    assert PROVISION_TREE_TRIGGERS[connection.vendor] <= triggers
