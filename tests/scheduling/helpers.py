from datetime import timedelta

from django.utils import timezone

from jurisdiction_apps.scheduling.models import Appointment
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
