"""The audit chain is append-only: the database itself refuses UPDATE and DELETE (rule 9)."""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER alliance_auditlink_no_update BEFORE UPDATE ON alliance_auditlink
       BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only: links cannot be changed'); END;""",
    """CREATE TRIGGER alliance_auditlink_no_delete BEFORE DELETE ON alliance_auditlink
       BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only: links cannot be deleted'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS alliance_auditlink_no_update;",
    "DROP TRIGGER IF EXISTS alliance_auditlink_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION alliance_auditlink_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit chain is append-only: links cannot be changed or deleted'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER alliance_auditlink_append_only BEFORE UPDATE OR DELETE ON alliance_auditlink
       FOR EACH ROW EXECUTE FUNCTION alliance_auditlink_append_only();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS alliance_auditlink_append_only ON alliance_auditlink;",
    "DROP FUNCTION IF EXISTS alliance_auditlink_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("alliance", "0003_audit_chain")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
