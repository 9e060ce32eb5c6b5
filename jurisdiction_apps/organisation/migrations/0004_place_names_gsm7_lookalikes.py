"""Place names and addresses written with typographic dashes, quotes or spaces get their GSM-7
lookalikes: "SPIP — antenne de Nanterre" made every SMS naming it UCS-2 (Place.save now does it
at entry)."""

from django.db import migrations


def normalise_places(apps, schema_editor):
    from shared.sms_texts.encoding import normalise_lookalikes

    Place = apps.get_model("organisation", "Place")
    fields = ("name", "address", "city")
    for place in Place.objects.all().only("pk", *fields):
        changed = [
            f for f in fields if normalise_lookalikes(getattr(place, f)) != getattr(place, f)
        ]
        if changed:
            for name in changed:
                setattr(place, name, normalise_lookalikes(getattr(place, name)))
            place.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0003_place_links_to_its_service_page")]

    operations = [migrations.RunPython(normalise_places, migrations.RunPython.noop)]
