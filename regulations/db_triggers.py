"""A database trigger that keeps every document's provision tree a tree.

CHECK constraints cannot look at other rows, so the rule "a provision's parent is in the same
document and is not the provision itself or one of its descendants" is enforced by a trigger.
SQLite allows no loops or recursive queries in triggers, so its version unrolls the walk up the
tree as self-joins to MAX_TREE_DEPTH levels and refuses anything deeper.

SQLite drops a table's triggers whenever a migration rebuilds the table (most ALTERs do), so the
triggers are (re)created idempotently after every migrate, not only by the migration that added them.
"""

from regulations.models import MAX_TREE_DEPTH

TABLE = "regulations_provision"


# The chain of ancestors as flat self-joins: a1 is the parent, a2 the grandparent, …
ANCESTOR_JOINS = f"FROM {TABLE} AS a1 " + " ".join(
    f"LEFT JOIN {TABLE} AS a{level} ON a{level}.id = a{level - 1}.parent_id" for level in range(2, MAX_TREE_DEPTH + 1)
)
ANCESTOR_IDS = ", ".join(f"a{level}.id" for level in range(1, MAX_TREE_DEPTH + 1))


SAME_DOCUMENT = (
    f"SELECT RAISE(ABORT, 'provision parent must belong to the same document') "
    f"WHERE (SELECT document_id FROM {TABLE} WHERE id = NEW.parent_id) IS NOT NEW.document_id;"
)
SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS provision_tree_insert BEFORE INSERT ON {TABLE}
    WHEN NEW.parent_id IS NOT NULL
    BEGIN {SAME_DOCUMENT} END;""",
    f"""CREATE TRIGGER IF NOT EXISTS provision_tree_update BEFORE UPDATE OF parent_id, document_id ON {TABLE}
    WHEN NEW.parent_id IS NOT NULL
    BEGIN
        {SAME_DOCUMENT}
        SELECT RAISE(ABORT, 'provision tree would contain a cycle')
        {ANCESTOR_JOINS} WHERE a1.id = NEW.parent_id AND NEW.id IN ({ANCESTOR_IDS});
        SELECT RAISE(ABORT, 'provision tree would be deeper than {MAX_TREE_DEPTH} levels')
        {ANCESTOR_JOINS} WHERE a1.id = NEW.parent_id AND a{MAX_TREE_DEPTH}.parent_id IS NOT NULL;
    END;""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS provision_tree_insert;", "DROP TRIGGER IF EXISTS provision_tree_update;"]

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION regulations_provision_tree_check() RETURNS trigger AS $$
    DECLARE
        ancestor bigint := NEW.parent_id;
        steps integer := 0;
        parent_document bigint;
    BEGIN
        IF NEW.parent_id IS NULL THEN
            RETURN NEW;
        END IF;
        SELECT document_id INTO parent_document FROM {TABLE} WHERE id = NEW.parent_id;
        IF parent_document IS DISTINCT FROM NEW.document_id THEN
            RAISE EXCEPTION 'provision parent must belong to the same document'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        WHILE ancestor IS NOT NULL LOOP
            IF ancestor = NEW.id THEN
                RAISE EXCEPTION 'provision tree would contain a cycle'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            steps := steps + 1;
            IF steps > {MAX_TREE_DEPTH} THEN
                RAISE EXCEPTION 'provision tree would be deeper than {MAX_TREE_DEPTH} levels'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            SELECT parent_id INTO ancestor FROM {TABLE} WHERE id = ancestor;
        END LOOP;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    f"""CREATE OR REPLACE TRIGGER provision_tree_check BEFORE INSERT OR UPDATE OF parent_id, document_id
    ON {TABLE} FOR EACH ROW EXECUTE FUNCTION regulations_provision_tree_check();""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS provision_tree_check ON {TABLE};",
    "DROP FUNCTION IF EXISTS regulations_provision_tree_check();",
]


def install_provision_tree_triggers(connection) -> None:
    statements = POSTGRES_CREATE if connection.vendor == "postgresql" else SQLITE_CREATE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_provision_tree_triggers(connection) -> None:
    statements = POSTGRES_DROP if connection.vendor == "postgresql" else SQLITE_DROP
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
