from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent, Slot
from jurisdiction_apps.scheduling.services import BookingRequest, book


def request_for(person, slot_type, office, agenda, slot, **extra):
    """The booking of ``person`` on ``slot`` (with the case number its type asks for)."""
    return BookingRequest(
        person=person,
        appointment_type=slot_type,
        place=office,
        agenda=agenda,
        slot_id=slot.pk,
        case_numbers="2026/123",
        **extra,
    )


def book_on_new_slot(person, slot_type, office, agenda, make_slot, user, hours, **extra):
    """Book ``person`` on a new slot ``hours`` from now; negative hours: then moved into the
    past, as time passing would. ``extra``: more BookingRequest fields (notify_mode...)."""
    slot = make_slot(hours_from_now=abs(hours))
    appointment = book(
        request_for(person, slot_type, office, agenda, slot, **extra), acting_user=user
    )
    if hours < 0:
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=timezone.now() + timedelta(hours=hours)
        )
        appointment.refresh_from_db()
    return appointment


def fill(jurisdiction, *, place, agenda, appointment_type, agent, count, start):
    """``count`` people, each with one appointment a minute apart from ``start`` (every other one
    assigned to ``agent``) and its 'booked' event, in bulk (the size of a page)."""
    with tenant_context(jurisdiction):
        people = Person.objects.bulk_create(
            Person(last_name=f"NOM{n}", first_names="Test", birth_date="1990-01-01")
            for n in range(count)
        )
        appointments = Appointment.objects.bulk_create(
            Appointment(
                person=people[n],
                appointment_type=appointment_type,
                place=place,
                agenda=agenda,
                assigned_agent=agent if n % 2 else None,
                starts_at=start + timedelta(minutes=n),
            )
            for n in range(count)
        )
        AppointmentEvent.objects.bulk_create(
            AppointmentEvent(
                appointment=appointment,
                person_id=appointment.person_id,
                kind=EventKind.BOOKED,
                to_state=AppointmentState.BOOKED,
                actor=agent,
            )
            for appointment in appointments
        )
        return appointments


def slot_in(jurisdiction, *, capacity):
    """A hearing-exit slot two days ahead at a new place and agenda of ``jurisdiction``:
    (type, place, agenda, slot). For tests on committed data, which have no fixtures."""
    with tenant_context(jurisdiction):
        kind = AppointmentType.objects.get(code="sortie-audience-spip")
        place = Place.objects.create(name="Antenne")
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Équipe")
        slot = Slot.objects.create(
            agenda=agenda,
            appointment_type=kind,
            capacity=capacity,
            starts_at=timezone.now() + timedelta(days=2),
        )
    return kind, place, agenda, slot
