"""Demo of the retention rules (issue 18): in each demo jurisdiction, people the first nightly
run erases (archived seven months ago), people due for archiving within the next 30 days, and a
hold older than a year to review; then the job runs once, as it would at night, so that the local
admin's "Conservation" page shows a run from the first minute of ``make run``.

Every date is relative to now: the seed behaves the same on any day. Invented names only.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from jurisdiction_apps.casefile import retention
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment

PREFIX = "CONSERVATION-"
# (last name, days since the last appointment, days since archiving, days since a hold)
CASES = [
    (f"{PREFIX}EFFACEMENT-A", 600, 215, None),
    (f"{PREFIX}EFFACEMENT-B", 700, 300, None),
    (f"{PREFIX}ARCHIVAGE-A", 350, None, None),
    (f"{PREFIX}ARCHIVAGE-B", 358, None, None),
    (f"{PREFIX}GEL", 500, 400, 420),
]
HOLD_REASON = "Suivi socio-judiciaire prononcé pour 10 ans : données à conserver"


def seed_retention(jurisdiction) -> int:
    """Create the cases missing (the erased ones come back at each seed, to be erased again)."""
    kind = AppointmentType.objects.filter(service_kind="spip").order_by("pk").first()
    place = Place.objects.filter(appointment_types=kind).order_by("pk").first() if kind else None
    if kind is None or place is None:
        return 0
    now = timezone.now()
    existing = set(
        Person.objects.filter(last_name__startswith=PREFIX).values_list("last_name", flat=True)
    )
    created = 0
    with transaction.atomic():
        for index, (name, last_days, archived_days, held_days) in enumerate(CASES):
            if name in existing:
                continue
            person = Person.objects.create(
                last_name=name,
                first_names="Démo",
                birth_date=date(1975 + index, 3, 1 + index),
                city="Nanterre",
            )
            last = now - timedelta(days=last_days)
            Appointment.objects.create(
                person=person,
                appointment_type=kind,
                place=place,
                starts_at=last,
                state=AppointmentState.FULFILLED,
            )
            Appointment.objects.filter(person=person).update(created_at=last - timedelta(days=14))
            changes = {"created_at": last - timedelta(days=60)}
            if archived_days is not None:
                changes["archived_at"] = now - timedelta(days=archived_days)
            if held_days is not None:
                changes.update(held_at=now - timedelta(days=held_days), hold_reason=HOLD_REASON)
            Person.objects.filter(pk=person.pk).update(**changes)
            created += 1
    return created


def run_retention() -> dict:
    """The nightly job, once, in the current jurisdiction (counts only)."""
    return retention.run().counts
