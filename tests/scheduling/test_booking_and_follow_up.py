from datetime import time, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind, NotifyMode
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent, Slot, TransitionError
from jurisdiction_apps.scheduling.services import (
    BookingError,
    BookingRequest,
    book,
    change_state,
    reschedule,
)
from jurisdiction_apps.scheduling.signals import appointment_event_recorded
from tests.dates import at, open_day_at, weekend_day
from tests.scheduling.helpers import book_on_new_slot, request_for


def test_booking_takes_a_seat_records_history_and_emits_the_event(
    person, slot_type, office, agenda, make_slot, bex, django_capture_on_commit_callbacks
):
    slot = make_slot(capacity=2)
    received = []
    appointment_event_recorded.connect(
        lambda sender, event, **kw: received.append(event), weak=False, dispatch_uid="test-listener"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            appointment = book(
                request_for(person, slot_type, office, agenda, slot), acting_user=bex
            )
    finally:
        appointment_event_recorded.disconnect(dispatch_uid="test-listener")
    slot.refresh_from_db()
    assert slot.booked_count == 1
    assert appointment.state == AppointmentState.BOOKED
    assert appointment.starts_at == slot.starts_at
    assert appointment.booked_by == bex
    assert appointment.notify_mode == NotifyMode.NOTIFY_AND_REMIND
    (event,) = AppointmentEvent.objects.filter(appointment=appointment)
    assert (event.kind, event.actor_id, event.notify) == (EventKind.BOOKED, bex.pk, True)
    assert [e.pk for e in received] == [event.pk]


@pytest.mark.parametrize(
    ("slot_kwargs", "message"),
    [
        ({"capacity": 1, "booked_count": 1}, "Ce créneau est complet"),
        ({"is_closed": True}, "Ce créneau est fermé"),
        ({"hours_from_now": -2}, "Ce créneau est déjà passé"),
    ],
)
def test_full_closed_or_past_slot_is_refused_and_nothing_changes(
    person, slot_type, office, agenda, make_slot, bex, slot_kwargs, message
):
    slot = make_slot(**slot_kwargs)
    before = slot.booked_count
    with pytest.raises(BookingError, match=message):
        book(request_for(person, slot_type, office, agenda, slot), acting_user=bex)
    slot.refresh_from_db()
    assert slot.booked_count == before
    assert not Appointment.objects.exists()
    assert not AppointmentEvent.objects.exists()


def test_case_number_required_by_the_type(person, slot_type, office, agenda, make_slot, bex):
    slot = make_slot()
    with pytest.raises(BookingError, match="numéro de parquet"):
        book(
            BookingRequest(
                person=person,
                appointment_type=slot_type,
                place=office,
                agenda=agenda,
                slot_id=slot.pk,
            ),
            acting_user=bex,
        )


def test_free_time_booking_in_local_time(person, free_type, office, cpip, in_alpha):
    starts_at = open_day_at(in_alpha, 9, 30, days_ahead=7)
    appointment = book(
        BookingRequest(
            person=person, appointment_type=free_type, place=office, starts_at=starts_at
        ),
        acting_user=cpip,
    )
    assert timezone.localtime(appointment.starts_at, in_alpha.zone).time() == time(9, 30)
    assert appointment.slot is None
    assert appointment.duration_minutes == free_type.default_duration_minutes


def test_free_time_on_a_weekend_or_in_the_past_is_refused(
    person, free_type, office, cpip, in_alpha
):
    on_weekend = at(in_alpha, weekend_day(in_alpha), 10)
    with pytest.raises(BookingError, match="week-end"):
        book(
            BookingRequest(
                person=person, appointment_type=free_type, place=office, starts_at=on_weekend
            ),
            acting_user=cpip,
        )
    with pytest.raises(BookingError, match="déjà passées"):
        book(
            BookingRequest(
                person=person,
                appointment_type=free_type,
                place=office,
                starts_at=timezone.now() - timedelta(hours=1),
            ),
            acting_user=cpip,
        )


def _booked(person, slot_type, office, agenda, make_slot, user, hours):
    return book_on_new_slot(person, slot_type, office, agenda, make_slot, user, hours)


def test_fulfilled_and_missed_only_once_the_time_has_passed(
    person, slot_type, office, agenda, make_slot, cpip
):
    future = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=24)
    for kind in (EventKind.FULFILLED, EventKind.NO_SHOW):
        with pytest.raises(TransitionError, match="pas encore eu lieu"):
            change_state(future.pk, kind, acting_user=cpip)
    future.refresh_from_db()
    assert future.state == AppointmentState.BOOKED

    past = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=-3)
    change_state(past.pk, EventKind.NO_SHOW, acting_user=cpip)
    past.refresh_from_db()
    assert past.state == AppointmentState.NO_SHOW


def test_cancel_only_before_and_frees_the_seat(person, slot_type, office, agenda, make_slot, cpip):
    future = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=24)
    change_state(future.pk, EventKind.CANCELLED, acting_user=cpip, notify=True)
    assert Slot.objects.get(pk=future.slot_id).booked_count == 0
    assert future.history.get(kind=EventKind.CANCELLED).notify is True

    past = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=-3)
    with pytest.raises(TransitionError, match="ne peut plus être annulé"):
        change_state(past.pk, EventKind.CANCELLED, acting_user=cpip)


def test_status_set_by_mistake_reverts_to_booked(
    person, slot_type, office, agenda, make_slot, cpip
):
    past = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=-3)
    change_state(past.pk, EventKind.NO_SHOW, acting_user=cpip)
    with pytest.raises(TransitionError, match="remettez-le d'abord"):
        change_state(past.pk, EventKind.FULFILLED, acting_user=cpip)
    change_state(past.pk, EventKind.REVERTED, acting_user=cpip)
    change_state(past.pk, EventKind.FULFILLED, acting_user=cpip)
    kinds = list(past.history.values_list("kind", flat=True))
    assert kinds == ["booked", "no_show", "reverted", "fulfilled"]


def test_excuse_before_the_date_and_after_a_no_show(
    person, slot_type, office, agenda, make_slot, cpip
):
    future = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=24)
    change_state(future.pk, EventKind.EXCUSED, acting_user=cpip)
    assert Slot.objects.get(pk=future.slot_id).booked_count == 0
    past = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=-3)
    change_state(past.pk, EventKind.NO_SHOW, acting_user=cpip)
    change_state(past.pk, EventKind.EXCUSED, acting_user=cpip)
    past.refresh_from_db()
    assert past.state == AppointmentState.EXCUSED


def test_reschedule_replaces_with_one_history(person, slot_type, office, agenda, make_slot, cpip):
    old = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=24)
    new_slot = make_slot(hours_from_now=72)
    new = reschedule(
        old.pk, request_for(person, slot_type, office, agenda, new_slot), acting_user=cpip
    )
    old.refresh_from_db()
    assert old.state == AppointmentState.CANCELLED
    assert new.replaces == old and old.replaced_by == new
    assert Slot.objects.get(pk=old.slot_id).booked_count == 0
    assert Slot.objects.get(pk=new_slot.pk).booked_count == 1
    timeline = list(person.appointment_events.order_by("at", "pk").values_list("kind", flat=True))
    assert timeline == ["booked", "booked", "rescheduled"]
    with pytest.raises(TransitionError, match="déjà été reporté"):
        reschedule(
            old.pk, request_for(person, slot_type, office, agenda, make_slot(96)), acting_user=cpip
        )
    with pytest.raises(TransitionError, match="a été reporté"):
        change_state(old.pk, EventKind.REVERTED, acting_user=cpip)


def test_reschedule_to_a_full_slot_changes_nothing(
    person, slot_type, office, agenda, make_slot, cpip
):
    old = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=24)
    full = make_slot(hours_from_now=72, capacity=1, booked_count=1)
    with pytest.raises(BookingError, match="complet"):
        reschedule(old.pk, request_for(person, slot_type, office, agenda, full), acting_user=cpip)
    old.refresh_from_db()
    assert old.state == AppointmentState.BOOKED
    assert Appointment.objects.count() == 1


def test_audit_trail_records_the_actor_of_changes(
    person, slot_type, office, agenda, make_slot, cpip, alpha
):
    import pghistory

    appointment = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=24)
    with pghistory.context(user=cpip.pk):
        change_state(appointment.pk, EventKind.EXCUSED, acting_user=cpip)
    audits = list(
        Appointment.pgh_event_model.objects.filter(pgh_obj_id=appointment.pk).order_by("pgh_id")
    )
    assert [a.pgh_label for a in audits] == ["insert", "update"]
    assert audits[-1].state == AppointmentState.EXCUSED
    assert audits[-1].pgh_context.metadata["user"] == cpip.pk


def test_bulk_operations_are_audited(make_slot, in_alpha):
    slots = [make_slot(hours_from_now=h) for h in (24, 48, 72)]
    Slot.objects.filter(pk__in=[s.pk for s in slots]).update(is_closed=True)
    closed = Slot.pgh_event_model.objects.filter(pgh_label="update", is_closed=True)
    assert closed.count() == 3


def test_bulk_statements_audit_each_row_under_one_context(agenda, slot_type, in_alpha, cpip):
    """ADR 0025: creations and deletions are audited once per statement over its transition
    table, changes once per changed row; each still writes one audit row per row (a row an update
    leaves as it was writes none), all under the statement's context."""
    import pghistory

    audit = Slot.pgh_event_model.objects
    last = audit.order_by("pgh_id").last()
    with pghistory.context(user=cpip.pk):
        slots = Slot.objects.bulk_create(
            Slot(
                agenda=agenda,
                appointment_type=slot_type,
                starts_at=timezone.now() + timedelta(hours=hours),
                capacity=1,
            )
            for hours in (24, 48, 72)
        )
    Slot.objects.filter(pk=slots[0].pk).update(is_closed=True)
    with pghistory.context(user=cpip.pk):
        Slot.objects.filter(pk__in=[s.pk for s in slots]).update(is_closed=True)
        Slot.objects.filter(pk__in=[s.pk for s in slots[1:]]).delete()
    written = audit.filter(pgh_id__gt=last.pgh_id if last else 0).exclude(
        pgh_label="update", pgh_obj_id=slots[0].pk
    )
    assert sorted(written.values_list("pgh_label", "pgh_obj_id")) == sorted(
        [("insert", s.pk) for s in slots]
        + [("update", s.pk) for s in slots[1:]]
        + [("delete", s.pk) for s in slots[1:]]
    )
    assert {a.pgh_context.metadata["user"] for a in written} == {cpip.pk}
    assert written.values("pgh_context_id").distinct().count() == 2  # one per context block


def test_an_id_of_another_jurisdiction_does_not_exist_here(
    person, slot_type, office, agenda, make_slot, cpip, beta
):
    appointment = _booked(person, slot_type, office, agenda, make_slot, cpip, hours=24)
    with tenant_context(beta), pytest.raises(Appointment.DoesNotExist):
        change_state(appointment.pk, EventKind.CANCELLED, acting_user=cpip)


def test_the_acting_user_of_a_service_call_is_in_the_audit_trail(
    person, free_type, office, cpip, in_alpha
):
    """Outside a request (a task, an import), the service names its actor itself."""
    appointment = book(
        BookingRequest(
            person=person,
            appointment_type=free_type,
            place=office,
            starts_at=open_day_at(in_alpha, days_ahead=2),
        ),
        acting_user=cpip,
    )
    insert = Appointment.pgh_event_model.objects.get(pgh_obj_id=appointment.pk, pgh_label="insert")
    assert insert.pgh_context.metadata["user"] == cpip.pk
