"""The read log (issue 20, part 5): who read a confidential record, kept append-only like the audit chain.

The database refuses UPDATE and DELETE on ``alliance_readlogentry`` (the pattern of 0004), and on
PostgreSQL TRUNCATE too, through 0008's ``alliance_audit_no_truncate()`` (which lets the test runner's
flush through when the session sets ``alliance.allow_truncate``).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE_UP = [
    """CREATE TRIGGER alliance_readlogentry_no_update BEFORE UPDATE ON alliance_readlogentry
       BEGIN SELECT RAISE(ABORT, 'the read log is append-only: entries cannot be changed'); END;""",
    """CREATE TRIGGER alliance_readlogentry_no_delete BEFORE DELETE ON alliance_readlogentry
       BEGIN SELECT RAISE(ABORT, 'the read log is append-only: entries cannot be deleted'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS alliance_readlogentry_no_update;",
    "DROP TRIGGER IF EXISTS alliance_readlogentry_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION alliance_readlogentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the read log is append-only: entries cannot be changed or deleted'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER alliance_readlogentry_append_only BEFORE UPDATE OR DELETE ON alliance_readlogentry
       FOR EACH ROW EXECUTE FUNCTION alliance_readlogentry_append_only();""",
    """CREATE TRIGGER alliance_readlogentry_no_truncate BEFORE TRUNCATE ON alliance_readlogentry
       FOR EACH STATEMENT EXECUTE FUNCTION alliance_audit_no_truncate();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS alliance_readlogentry_no_truncate ON alliance_readlogentry;",
    "DROP TRIGGER IF EXISTS alliance_readlogentry_append_only ON alliance_readlogentry;",
    "DROP FUNCTION IF EXISTS alliance_readlogentry_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('alliance', '0016_audit_notifications'),
        ('alliance', '0008_audit_truncate_and_head_guards'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReadLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username', models.CharField(blank=True, max_length=150)),
                ('person_name', models.CharField(blank=True, max_length=200)),
                ('at', models.DateTimeField(db_index=True)),
                ('kind', models.CharField(choices=[('page', 'Read a page'), ('api', 'Read through the API'), ('download', 'Downloaded a file'), ('export', 'Exported'), ('read-log', 'Read the read log')], max_length=10)),
                ('object_model', models.CharField(help_text='app_label.model of the record read', max_length=100)),
                ('object_id', models.CharField(blank=True, help_text='Empty for a list or an export', max_length=64)),
                ('description', models.CharField(help_text="The record's reference and title as they were", max_length=300)),
                ('rows', models.PositiveIntegerField(default=1, help_text='How many confidential records were served')),
                ('path', models.CharField(blank=True, max_length=500)),
                ('ip_address', models.CharField(blank=True, max_length=64)),
                ('user_agent', models.CharField(blank=True, max_length=300)),
                ('alliance', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='read_log_entries', to='alliance.alliance')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'read log entries',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['alliance', '-at', '-id'], name='alliance_re_allianc_b1ad68_idx'), models.Index(fields=['object_model', 'object_id'], name='alliance_re_object__21e767_idx'), models.Index(fields=['user'], name='alliance_re_user_id_a83344_idx')],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
