"""The jurisdiction's own SMS texts get the GSM-7 lookalikes of their typographic dashes, quotes
and spaces (the editor now replaces them at saving)."""

from django.db import migrations


def normalise_texts(apps, schema_editor):
    from shared.sms_texts.encoding import normalise_lookalikes

    TemplateOverride = apps.get_model("notifications", "TemplateOverride")
    for override in TemplateOverride.objects.all():
        text = normalise_lookalikes(override.text)
        if text != override.text:
            override.text = text
            override.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_portal_sms_without_appointment")]

    operations = [migrations.RunPython(normalise_texts, migrations.RunPython.noop)]
