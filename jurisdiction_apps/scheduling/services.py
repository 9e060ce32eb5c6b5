"""Slots, booking and follow-up of appointments.

Every operation is atomic, writes the appointment's history (AppointmentEvent), and announces the
event with ``appointment_event_recorded`` in the same transaction (its receivers: signals.py).
Capacity is guarded by a row lock on the slot (SELECT ... FOR UPDATE) and a CHECK constraint.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from jurisdiction_apps.core.audit import audited
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.people.services import transferred_notice

from .constants import (
    SEAT_HOLDING_STATES,
    SLOT_GENERATION_DAYS,
    AppointmentState,
    EventKind,
    NotifyMode,
)
from .models import Appointment, AppointmentEvent, Slot, SlotTemplate, TransitionError
from .signals import appointment_event_recorded
from .territory import is_public_holiday, local_datetime


class BookingError(Exception):
    """Booking refused; the message is French and meant for the agent."""


class SlotUnavailable(BookingError):
    """The slot was bookable but no longer is (closed, passed, full): the state, not the request."""


class PersonNotBookable(BookingError):
    """The person's record takes no new appointment here (transferred away)."""


def _jurisdiction():
    return connection.tenant


# --- slots ---------------------------------------------------------------------------------------
def generate_slots(
    template: SlotTemplate, *, until: date | None = None, today: date | None = None
) -> int:
    """Create the template's slots from today to ``until`` (default: about three months ahead).

    Skips weekends unless the type allows them and the public holidays of the jurisdiction's
    territory; nothing for an archived agenda or place. Idempotent: existing slots are left as
    they are. Returns the number of slots written (a concurrent run may have written some of
    them first; the unique constraint keeps one of each).
    """
    jurisdiction = _jurisdiction()
    zone = jurisdiction.zone
    today = today or timezone.localdate(timezone=zone)
    until = until or today + timedelta(days=SLOT_GENERATION_DAYS)
    if template.ends_on:
        until = min(until, template.ends_on)
    start = max(today, template.starts_on)
    agenda = template.agenda
    if not template.is_active or start > until or agenda.is_archived or agenda.place.is_archived:
        return 0
    weekend_allowed = template.appointment_type.weekend_allowed
    departements = jurisdiction.departement_list
    first = start + timedelta(days=(template.weekday - start.weekday()) % 7)
    now = timezone.now()
    existing = set(
        Slot.objects.filter(
            agenda_id=template.agenda_id,
            appointment_type_id=template.appointment_type_id,
            starts_at__gte=local_datetime(first, template.start_time, zone),
        ).values_list("starts_at", flat=True)
    )
    slots = []
    day = first
    while day <= until:
        if (weekend_allowed or day.weekday() < 5) and not is_public_holiday(day, departements):
            starts_at = local_datetime(day, template.start_time, zone)
            if starts_at > now and starts_at not in existing:
                slots.append(
                    Slot(
                        agenda_id=template.agenda_id,
                        appointment_type_id=template.appointment_type_id,
                        template=template,
                        starts_at=starts_at,
                        duration_minutes=template.duration_minutes,
                        capacity=template.capacity,
                    )
                )
        day += timedelta(days=7)
    # A concurrent run may have created some meanwhile: the unique constraint keeps one of each.
    Slot.objects.bulk_create(slots, ignore_conflicts=True)
    return len(slots)


@audited
def save_slot_template(template: SlotTemplate, *, acting_user) -> int:
    """Save a template and generate its slots at once."""
    with transaction.atomic():
        template.save()
        return generate_slots(template)


def generate_all_slots() -> int:
    """Nightly: extend every active template of the current jurisdiction."""
    total = 0
    templates = SlotTemplate.objects.filter(
        is_active=True, agenda__archived_at__isnull=True, agenda__place__archived_at__isnull=True
    ).select_related("appointment_type", "agenda__place")
    for template in templates:
        with transaction.atomic():
            total += generate_slots(template)
    return total


@audited
def create_slot(
    *,
    agenda: Agenda,
    appointment_type: AppointmentType,
    starts_at: datetime,
    duration_minutes: int,
    capacity: int,
    acting_user,
) -> Slot:
    """A one-off slot, with the same rules as generated ones."""
    local = timezone.localtime(starts_at, _jurisdiction().zone)
    if starts_at <= timezone.now():
        raise BookingError("Un créneau ne peut pas commencer dans le passé.")
    if agenda.is_archived or agenda.place.is_archived:
        raise BookingError("Cet agenda est archivé.")
    if not appointment_type.books_on_slots:
        raise BookingError("Ce type de rendez-vous se réserve sur un horaire libre, sans créneau.")
    if not agenda.place.appointment_types.filter(pk=appointment_type.pk).exists():
        raise BookingError("Le lieu de cet agenda ne propose pas ce type de rendez-vous.")
    if not appointment_type.weekend_allowed and local.weekday() >= 5:
        raise BookingError("Ce type de rendez-vous n'est pas proposé le week-end.")
    if is_public_holiday(local.date(), _jurisdiction().departement_list):
        raise BookingError("Ce jour est férié dans la juridiction.")
    if not (5 <= duration_minutes <= 600) or not (1 <= capacity <= 200):
        raise BookingError("La durée va de 5 à 600 minutes et la capacité de 1 à 200 places.")
    slot, created = Slot.objects.get_or_create(
        agenda=agenda,
        appointment_type=appointment_type,
        starts_at=starts_at,
        defaults={"duration_minutes": duration_minutes, "capacity": capacity},
    )
    if not created:
        raise BookingError("Un créneau de ce type existe déjà à cette heure dans cet agenda.")
    return slot


@audited
def set_slots_closed(slot_ids, closed: bool, *, acting_user) -> int:
    """Close or reopen slots in bulk (booked appointments stay; closed slots take no booking)."""
    return Slot.objects.filter(pk__in=slot_ids).exclude(is_closed=closed).update(is_closed=closed)


# --- booking -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BookingRequest:
    person: Person
    appointment_type: AppointmentType
    place: Place
    agenda: Agenda | None = None
    slot_id: int | None = None
    starts_at: datetime | None = None  # free-time types
    duration_minutes: int | None = None
    notify_mode: str = NotifyMode.NOTIFY_AND_REMIND
    case_numbers: str = ""
    assigned_agent: object | None = None


def _record(
    appointment: Appointment, kind: str, *, from_state: str, actor, notify=False, details=None
) -> AppointmentEvent:
    event = AppointmentEvent.objects.create(
        appointment=appointment,
        person_id=appointment.person_id,
        kind=kind,
        from_state=from_state,
        to_state=appointment.state,
        actor=actor,
        notify=notify,
        details=details or {},
    )
    appointment_event_recorded.send(sender=AppointmentEvent, event=event)
    return event


def _check_booking(request: BookingRequest) -> None:
    kind = request.appointment_type
    if request.person.is_transferred:
        raise PersonNotBookable(transferred_notice(request.person))
    if request.person.is_archived:
        raise BookingError("Cette personne est archivée : désarchivez-la avant de la convoquer.")
    if not kind.is_active:
        raise BookingError("Ce type de rendez-vous n'est plus proposé.")
    if request.place.is_archived or not request.place.appointment_types.filter(pk=kind.pk).exists():
        raise BookingError("Ce lieu ne propose pas ce type de rendez-vous.")
    if request.agenda and (
        request.agenda.place_id != request.place.pk or request.agenda.is_archived
    ):
        raise BookingError("Cet agenda n'appartient pas à ce lieu.")
    if kind.needs_case_number and not request.case_numbers.strip():
        raise BookingError("Ce type de rendez-vous demande le numéro de parquet.")
    if request.notify_mode not in NotifyMode.values:
        raise BookingError("Choisissez comment prévenir la personne.")


def _take_seat(slot_id: int, appointment_type: AppointmentType) -> Slot:
    slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None or slot.appointment_type_id != appointment_type.pk:
        raise BookingError("Ce créneau n'existe pas pour ce type de rendez-vous.")
    if slot.is_closed:
        raise SlotUnavailable("Ce créneau est fermé : choisissez-en un autre.")
    if slot.starts_at <= timezone.now():
        raise SlotUnavailable("Ce créneau est déjà passé : choisissez-en un autre.")
    if slot.booked_count >= slot.capacity:
        raise SlotUnavailable(
            "Ce créneau est complet : un autre agent vient de prendre la dernière place."
        )
    Slot.objects.filter(pk=slot.pk).update(booked_count=F("booked_count") + 1)
    slot.booked_count += 1
    return slot


def _release_seat(appointment: Appointment) -> None:
    if appointment.slot_id:
        Slot.objects.filter(pk=appointment.slot_id, booked_count__gt=0).update(
            booked_count=F("booked_count") - 1
        )


@audited
def book(
    request: BookingRequest, *, acting_user, replaces: Appointment | None = None
) -> Appointment:
    """Book an appointment on a slot (or a free local time), all or nothing."""
    _check_booking(request)
    kind = request.appointment_type
    with transaction.atomic():
        if kind.books_on_slots:
            if not request.slot_id:
                raise BookingError("Choisissez un créneau.")
            slot = _take_seat(request.slot_id, kind)
            if request.agenda and slot.agenda_id != request.agenda.pk:
                raise BookingError("Ce créneau n'appartient pas à cet agenda.")
            starts_at, duration, agenda = slot.starts_at, slot.duration_minutes, slot.agenda
        else:
            if request.starts_at is None:
                raise BookingError("Indiquez la date et l'heure du rendez-vous.")
            if request.starts_at <= timezone.now():
                raise BookingError("Cette date et cette heure sont déjà passées.")
            local = timezone.localtime(request.starts_at, _jurisdiction().zone)
            if not kind.weekend_allowed and local.weekday() >= 5:
                raise BookingError("Ce type de rendez-vous n'est pas proposé le week-end.")
            slot, starts_at, agenda = None, request.starts_at, request.agenda
            duration = request.duration_minutes or kind.default_duration_minutes
        appointment = Appointment.objects.create(
            person=request.person,
            appointment_type=kind,
            place=request.place,
            agenda=agenda,
            slot=slot,
            starts_at=starts_at,
            duration_minutes=duration,
            notify_mode=request.notify_mode,
            case_numbers=request.case_numbers.strip(),
            booked_by=acting_user,
            assigned_agent=request.assigned_agent,
            replaces=replaces,
        )
        _record(
            appointment,
            EventKind.BOOKED,
            from_state="",
            actor=acting_user,
            notify=request.notify_mode == NotifyMode.NOTIFY_AND_REMIND,
            details={"replaces": replaces.pk} if replaces else {},
        )
    return appointment


# --- follow-up -----------------------------------------------------------------------------------
TRANSITIONS = {
    EventKind.FULFILLED: Appointment.mark_fulfilled,
    EventKind.NO_SHOW: Appointment.mark_no_show,
    EventKind.EXCUSED: Appointment.excuse,
    EventKind.CANCELLED: Appointment.cancel,
    EventKind.REVERTED: Appointment.revert,
}


@audited
def change_state(
    appointment_id: int, kind: str, *, acting_user, notify: bool = False, reason: str = ""
) -> Appointment:
    """Apply one follow-up transition (honoré, manqué, excusé, annulé, retour à planifié)."""
    if kind not in TRANSITIONS:
        raise TransitionError("Action inconnue.")
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment_id)
        previous = TRANSITIONS[kind](appointment)
        held_before = previous in SEAT_HOLDING_STATES
        held_after = appointment.state in SEAT_HOLDING_STATES
        if held_before and not held_after:
            _release_seat(appointment)
        elif held_after and not held_before and appointment.slot_id:
            slot = Slot.objects.select_for_update().get(pk=appointment.slot_id)
            if slot.booked_count >= slot.capacity:
                raise TransitionError(
                    "Le créneau est complet : impossible de le remettre à « planifié »."
                )
            Slot.objects.filter(pk=slot.pk).update(booked_count=F("booked_count") + 1)
        appointment.save(update_fields=["state", "state_changed_at"])
        _record(
            appointment,
            kind,
            from_state=previous,
            actor=acting_user,
            notify=notify and kind in (EventKind.CANCELLED, EventKind.NO_SHOW),
            details={"reason": reason} if reason else {},
        )
    return appointment


@audited
def reschedule(appointment_id: int, request: BookingRequest, *, acting_user) -> Appointment:
    """Book the new appointment and cancel the old one, in one transaction and one history."""
    with transaction.atomic():
        old = Appointment.objects.select_for_update().get(pk=appointment_id)
        if old.was_rescheduled:
            raise TransitionError("Ce rendez-vous a déjà été reporté.")
        if old.state not in (
            AppointmentState.BOOKED,
            AppointmentState.NO_SHOW,
            AppointmentState.EXCUSED,
        ):
            raise TransitionError(
                f"Un rendez-vous « {old.get_state_display()} » ne se reporte pas."
            )
        new = book(request, acting_user=acting_user, replaces=old)
        previous = old.state
        if previous == AppointmentState.BOOKED:
            old.state = AppointmentState.CANCELLED
            old.state_changed_at = timezone.now()
            old.save(update_fields=["state", "state_changed_at"])
            _release_seat(old)
        _record(
            old,
            EventKind.RESCHEDULED,
            from_state=previous,
            actor=acting_user,
            notify=request.notify_mode == NotifyMode.NOTIFY_AND_REMIND,
            details={"new_appointment": new.pk},
        )
    return new
