"""Expand, step 1: a nullable column without a default (a catalogue change only: the table is
locked for milliseconds, whatever its size)."""

from django.db import migrations

TABLE = "scheduling_appointment"


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_no_show_worklist_index")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS probe_local_day date NULL",
            f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS probe_local_day",
        )
    ]
