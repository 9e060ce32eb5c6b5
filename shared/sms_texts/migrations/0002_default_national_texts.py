from django.db import migrations


def add_defaults(apps, schema_editor):
    from shared.sms_texts.defaults import DEFAULT_TEXTS

    NationalTemplate = apps.get_model("sms_texts", "NationalTemplate")
    for kind, text in DEFAULT_TEXTS.items():
        NationalTemplate.objects.get_or_create(
            appointment_type_code="", kind=kind, defaults={"text": text}
        )


class Migration(migrations.Migration):
    dependencies = [("sms_texts", "0001_national_sms_texts")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
