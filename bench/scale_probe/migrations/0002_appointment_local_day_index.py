"""Expand, step 2: the index, built CONCURRENTLY (no lock that stops writes), outside a
transaction. A build interrupted earlier leaves an INVALID index that IF NOT EXISTS would keep:
drop it first, so running the migration again finishes the job."""

from django.db import migrations

TABLE = "scheduling_appointment"
INDEX = "probe_appt_local_day"

DROP_INVALID = f"""
DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = '{INDEX}' AND c.relnamespace = current_schema()::regnamespace
          AND NOT i.indisvalid
    ) THEN
        EXECUTE 'DROP INDEX {INDEX}';
    END IF;
END $$
"""


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("scale_probe", "0001_appointment_local_day_column")]

    operations = [
        migrations.RunSQL(DROP_INVALID, migrations.RunSQL.noop),
        migrations.RunSQL(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {TABLE} (probe_local_day)",
            f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
        ),
    ]
