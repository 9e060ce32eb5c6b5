"""Demo of people across jurisdictions (issue 19): each demo service's contact, a person followed
at Lille whom a Nanterre agent can register to see the warning "suivi(e) aussi par", and a request
from Lille for a Nanterre person waiting for Nanterre's answer (menu "Transferts").

Invented names only; idempotent (a request already made, answered or not, is not made again).
"""

from datetime import date

from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from shared.transfers import services
from shared.transfers.constants import Direction
from shared.transfers.models import Transfer
from tenants.models import Jurisdiction

CONTACTS = {
    "nanterre": "SPIP des Hauts-de-Seine : 01 00 00 00 92, spip92@demo.test",
    "la-reunion": "SPIP de La Réunion : 02 62 00 00 00, spip974@demo.test",
    "lille": "SPIP du Nord (Lille) : 03 00 00 00 59, spip59-lille@demo.test",
    "douai": "SPIP du Nord (Douai) : 03 00 00 01 59, spip59-douai@demo.test",
}
# Followed at Lille; a Nanterre agent registering this identity sees the warning (README).
MOVED_TO_NANTERRE = {
    "last_name": "DEMENAGEMENT",
    "first_names": "Sacha",
    "birth_date": date(1990, 5, 12),
    "phone": "+33610000901",
    "appi_number": "590000000101",
    "city": "Roubaix",
}
# Followed at Nanterre; Lille has asked for them (they now live in the Nord).
ASKED_BY_LILLE = {
    "last_name": "VERS-LILLE",
    "first_names": "Noa",
    "birth_date": date(1987, 11, 3),
    "phone": "+33610000902",
    "appi_number": "920000000102",
    "city": "Colombes",
}
ASKING_AGENT = "dpip.nord@demo.test"


def seed_transfers(by_slug) -> None:
    for slug, contact in CONTACTS.items():
        Jurisdiction.objects.filter(slug=slug, service_contact="").update(service_contact=contact)
    lille, nanterre = by_slug.get("lille"), by_slug.get("nanterre")
    if lille is None or nanterre is None:
        return
    lille.refresh_from_db()
    nanterre.refresh_from_db()
    _person(lille, MOVED_TO_NANTERRE)
    asked = _person(nanterre, ASKED_BY_LILLE)
    if Transfer.objects.filter(source=nanterre, source_person_id=asked.pk).exists():
        return
    services.request_transfer(
        direction=Direction.PULL,
        source=nanterre,
        source_person_id=asked.pk,
        target=lille,
        reason="Nouvelle résidence à Lille déclarée au SPIP du Nord le mois dernier",
        acting_user=get_user_model().objects.get(email=ASKING_AGENT),
    )


def _person(jurisdiction, identity: dict) -> Person:
    with tenant_context(jurisdiction):
        person = Person.objects.filter(appi_number=identity["appi_number"]).first()
        return person or Person.objects.create(**identity)
