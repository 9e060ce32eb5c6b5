"""Many due reminders at once, written in bulk: for benchmarks, fault runs and tests.

Invented people (phones +33 6 10 00 00 00 onwards, a number range of no one), one place, one
agenda, appointments two days ahead and their reminders due at ``due_at``. Runs in the current
jurisdiction's schema.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import EventKind, NotifyMode
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent

from .constants import MessageKind
from .models import Message

FIRST_PHONE = 33610000000


def make_due_reminders(count: int, due_at=None, *, phone_offset: int = 0) -> list[int]:
    """Create ``count`` reminders due at ``due_at`` (default now); returns their ids."""
    due_at = due_at or timezone.now()
    kind = AppointmentType.objects.get(code="convocation-suivi-spip")
    with transaction.atomic():
        place, _ = Place.objects.get_or_create(
            name="SPIP — antenne de démonstration",
            defaults={"address": "1 rue de l'Exemple", "postcode": "75001", "city": "PARIS"},
        )
        place.appointment_types.add(kind)
        agenda, _ = Agenda.objects.get_or_create(place=place, name="Charge")
        people = Person.objects.bulk_create(
            Person(
                last_name=f"CHARGE{phone_offset + index}",
                first_names="Test",
                birth_date="1990-01-01",
                phone=f"+{FIRST_PHONE + phone_offset + index}",
                city="PARIS",
                search_name=f"charge{phone_offset + index} test",
            )
            for index in range(count)
        )
        starts_at = due_at + timedelta(hours=48)
        appointments = Appointment.objects.bulk_create(
            Appointment(
                person=person,
                appointment_type=kind,
                place=place,
                agenda=agenda,
                starts_at=starts_at,
                notify_mode=NotifyMode.REMIND_ONLY,
            )
            for person in people
        )
        events = AppointmentEvent.objects.bulk_create(
            AppointmentEvent(
                appointment=appointment,
                person_id=appointment.person_id,
                kind=EventKind.BOOKED,
                to_state="booked",
            )
            for appointment in appointments
        )
        messages = Message.objects.bulk_create(
            Message(
                appointment=appointment,
                person_id=appointment.person_id,
                event=event,
                kind=MessageKind.REMINDER,
                due_at=due_at,
            )
            for appointment, event in zip(appointments, events, strict=True)
        )
    return [message.pk for message in messages]
