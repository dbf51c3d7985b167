"""Close two ways around the append-only chain (DESIGN.md rule 9).

TRUNCATE skips PostgreSQL's row-level triggers, so 0004's trigger let ``TRUNCATE alliance_auditlink``
through: a statement-level BEFORE TRUNCATE trigger refuses it (SQLite has no TRUNCATE). The chain head
must move as links are appended, so it allows UPDATE, but deleting it would restart the chain at #1:
DELETE (and, on PostgreSQL, TRUNCATE) of a head is refused on both databases.

Django's ``flush`` (which the test runner uses after transactional tests) empties every table with
TRUNCATE on PostgreSQL; it passes when the session sets ``alliance.allow_truncate`` to ``on``
(tests/conftest.py does so for those tests alone).
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER alliance_auditchainhead_no_delete BEFORE DELETE ON alliance_auditchainhead
       BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted: it would restart the chain'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS alliance_auditchainhead_no_delete;"]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION alliance_audit_no_truncate() RETURNS trigger AS $$
       BEGIN
         IF current_setting('alliance.allow_truncate', true) = 'on' THEN RETURN NULL; END IF;
         RAISE EXCEPTION USING MESSAGE = 'the audit chain is append-only: ' || TG_TABLE_NAME || ' cannot be truncated';
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER alliance_auditlink_no_truncate BEFORE TRUNCATE ON alliance_auditlink
       FOR EACH STATEMENT EXECUTE FUNCTION alliance_audit_no_truncate();""",
    """CREATE TRIGGER alliance_auditchainhead_no_truncate BEFORE TRUNCATE ON alliance_auditchainhead
       FOR EACH STATEMENT EXECUTE FUNCTION alliance_audit_no_truncate();""",
    """CREATE OR REPLACE FUNCTION alliance_auditchainhead_no_delete() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit chain head cannot be deleted: it would restart the chain'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER alliance_auditchainhead_no_delete BEFORE DELETE ON alliance_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION alliance_auditchainhead_no_delete();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS alliance_auditchainhead_no_delete ON alliance_auditchainhead;",
    "DROP FUNCTION IF EXISTS alliance_auditchainhead_no_delete();",
    "DROP TRIGGER IF EXISTS alliance_auditchainhead_no_truncate ON alliance_auditchainhead;",
    "DROP TRIGGER IF EXISTS alliance_auditlink_no_truncate ON alliance_auditlink;",
    "DROP FUNCTION IF EXISTS alliance_audit_no_truncate();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("alliance", "0007_history_change_reason_text")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
