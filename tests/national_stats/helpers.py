"""Rows of a jurisdiction written directly, with the dates a test needs."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour=10, minute=0, zone=PARIS) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def mid_month(month) -> datetime:
    """Noon on the 15th of ``month`` in Paris: inside that month on every jurisdiction's clock
    (``now.replace(day=1)`` is the UTC month, not the local one, on the night of the 1st)."""
    return at(month.replace(day=15), 12)


def make_person(index: int, **fields) -> Person:
    return Person.objects.create(
        last_name=f"PERSONNE{index}",
        first_names="Test",
        birth_date="1990-01-01",
        phone=f"+336120000{index:02d}",
        **fields,
    )


def make_appointment(
    person, starts_at, state="booked", booked_at=None, code="convocation-suivi-spip", **fields
) -> Appointment:
    place = Place.objects.first() or Place.objects.create(name="Antenne", postcode="92000")
    appointment = Appointment.objects.create(
        person=person,
        appointment_type=AppointmentType.objects.get(code=code),
        place=place,
        starts_at=starts_at,
        state=state,
        **fields,
    )
    Appointment.objects.filter(pk=appointment.pk).update(created_at=booked_at or starts_at)
    appointment.refresh_from_db()
    return appointment


def make_message(appointment, kind="reminder", state="delivered", created_at=None, **stamps):
    event = AppointmentEvent.objects.create(
        appointment=appointment, person=appointment.person, kind="booked", to_state="booked"
    )
    message = Message.objects.create(
        appointment=appointment,
        person=appointment.person,
        event=event,
        kind=kind,
        state=state,
        **stamps,
    )
    Message.objects.filter(pk=message.pk).update(created_at=created_at or appointment.created_at)
    return message
