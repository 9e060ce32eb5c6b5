"""What the national index holds for a jurisdiction, and what its people's rows say it should."""

from datetime import date

from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from shared.person_index.keys import appi_key, identity_key
from shared.person_index.models import Entry


def entries(jurisdiction) -> dict[int, tuple[str, str, bool]]:
    """person id -> (appi key, identity key, archived), as the public index holds them."""
    return {
        person_id: (appi, identity, archived)
        for person_id, appi, identity, archived in Entry.objects.filter(
            jurisdiction=jurisdiction
        ).values_list("person_id", "appi_key", "identity_key", "archived")
    }


def expected(jurisdiction) -> dict[int, tuple[str, str, bool]]:
    """The same, computed afresh from the people's identities (people transferred away left)."""
    with tenant_context(jurisdiction):
        return {
            person.pk: (
                appi_key(person.appi_number),
                identity_key(person.last_name, person.first_names, person.birth_date),
                person.archived_at is not None,
            )
            for person in Person.objects.filter(transferred_at__isnull=True)
        }


def keys_of(last_name: str, first_names: str, birth: date, appi: str = "") -> tuple[str, str]:
    return appi_key(appi), identity_key(last_name, first_names, birth)


def new_person(jurisdiction, number: int = 1, **fields) -> Person:
    values = {
        "last_name": f"VARNELIÈRE{number}",
        "first_names": "Anselme",
        "birth_date": date(1979, 3, number),
        "phone": "",
        "no_mobile_phone": True,
        "city": "NANTERRE",
    }
    values.update(fields)
    with tenant_context(jurisdiction):
        return Person.objects.create(**values)
