"""National SMS texts written with typographic dashes, quotes or spaces get their GSM-7
lookalikes (one "—" made a whole SMS UCS-2), and the no-show text no longer says "attendu(e)"."""

from django.db import migrations

OLD_NO_SHOW = (
    "Justice : vous étiez attendu(e) le {date} à {heure} ({lieu}). "
    "Appelez vite le {telephone} pour convenir d'un nouveau rendez-vous."
)
NEW_NO_SHOW = (
    "Justice : nous vous attendions le {date} à {heure} ({lieu}). "
    "Appelez vite le {telephone} pour convenir d'un nouveau rendez-vous."
)


def normalise_texts(apps, schema_editor):
    from shared.sms_texts.encoding import normalise_lookalikes

    NationalTemplate = apps.get_model("sms_texts", "NationalTemplate")
    for template in NationalTemplate.objects.all():
        text = normalise_lookalikes(template.text)
        if text == OLD_NO_SHOW:
            text = NEW_NO_SHOW
        if text != template.text:
            template.text = text
            template.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [("sms_texts", "0002_default_national_texts")]

    operations = [migrations.RunPython(normalise_texts, migrations.RunPython.noop)]
