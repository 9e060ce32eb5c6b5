from django.db import migrations


def write_defaults(apps, schema_editor):
    from shared.retention.constants import DEFAULTS

    Rule = apps.get_model("retention", "Rule")
    for position, default in enumerate(DEFAULTS):
        values = {
            key: str(value) if key in ("category", "unit", "action") else value
            for key, value in default.items()
        }
        Rule.objects.update_or_create(
            category=values.pop("category"), defaults={"position": position, **values}
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_retention_rules_and_runs")]

    operations = [migrations.RunPython(write_defaults, migrations.RunPython.noop)]
