"""Expand, step 3: the data migration, in batches of BATCH rows, each its own short transaction
(the migration is not atomic), so no row stays locked for long and a killed run resumes where it
stopped (only rows still NULL are touched)."""

from django.db import connection, migrations, transaction

TABLE = "scheduling_appointment"
BATCH = 2000


def fill(apps, schema_editor):
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {TABLE} SET probe_local_day = (starts_at AT TIME ZONE 'Europe/Paris')::date
                WHERE id IN (
                    SELECT id FROM {TABLE} WHERE probe_local_day IS NULL
                    ORDER BY id LIMIT {BATCH} FOR UPDATE SKIP LOCKED
                )
                """
            )
            if cursor.rowcount < BATCH:
                return


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("scale_probe", "0002_appointment_local_day_index")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=False)]
