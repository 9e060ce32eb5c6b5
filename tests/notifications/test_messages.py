"""Messages from appointment events: which, when, and never two for one change."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.constants import FailureReason, MessageKind, MessageState
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.notifications.services import messages_for_event
from jurisdiction_apps.notifications.texts import unsendable_reason
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import EventKind, NotifyMode
from jurisdiction_apps.scheduling.models import AppointmentEvent
from jurisdiction_apps.scheduling.services import BookingRequest, book, change_state, reschedule
from tenants.constants import Role
from tests.dates import at, open_day
from tests.factories import MembershipFactory
from tests.notifications.conftest import set_quiet_hours
from tests.scheduling.helpers import request_for


def local(moment):
    """``moment`` on the jurisdiction's wall clock: "48 h before" is wall-clock arithmetic, an
    hour more or less than 48 absolute hours across a daylight-saving change."""
    return timezone.localtime(moment, connection.tenant.zone)


def kinds(appointment):
    return {m.kind: m for m in Message.objects.filter(appointment=appointment)}


def test_booking_with_notify_creates_a_summon_now_and_a_reminder_48_hours_before(
    daytime, person, book_in
):
    appointment = book_in(person, hours=72)
    messages = kinds(appointment)
    assert set(messages) == {MessageKind.SUMMON, MessageKind.REMINDER}
    summon, reminder = messages[MessageKind.SUMMON], messages[MessageKind.REMINDER]
    assert summon.state == reminder.state == MessageState.CREATED
    assert abs(summon.due_at - timezone.now()) < timedelta(seconds=5)
    assert reminder.due_at == local(appointment.starts_at) - timedelta(hours=48)
    event = AppointmentEvent.objects.get(appointment=appointment, kind=EventKind.BOOKED)
    assert summon.event == reminder.event == event


def test_remind_only_creates_just_the_reminder(daytime, person, book_in):
    appointment = book_in(person, hours=72, notify_mode=NotifyMode.REMIND_ONLY)
    assert set(kinds(appointment)) == {MessageKind.REMINDER}


def test_booked_closer_than_the_delay_no_reminder_when_the_summon_goes(daytime, person, book_in):
    appointment = book_in(person, hours=30)
    assert set(kinds(appointment)) == {MessageKind.SUMMON}


def test_booked_closer_than_the_delay_without_summon_the_reminder_goes_now(
    daytime, person, book_in
):
    appointment = book_in(person, hours=30, notify_mode=NotifyMode.REMIND_ONLY)
    (reminder,) = kinds(appointment).values()
    assert reminder.kind == MessageKind.REMINDER
    assert abs(reminder.due_at - timezone.now()) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"phone": "", "no_mobile_phone": True}, FailureReason.NO_MOBILE),
        ({"refuses_sms": True}, FailureReason.REFUSES_SMS),
        ({"phone": "+33147290000"}, FailureReason.LANDLINE),
    ],
)
def test_a_person_who_cannot_get_sms_gets_rows_not_sendable(
    daytime, person, book_in, changes, reason
):
    Person.objects.filter(pk=person.pk).update(**changes)
    person.refresh_from_db()
    appointment = book_in(person, hours=72)
    messages = kinds(appointment)
    assert set(messages) == {MessageKind.SUMMON, MessageKind.REMINDER}
    assert {(m.state, m.reason) for m in messages.values()} == {(MessageState.NOT_SENDABLE, reason)}
    assert all(m.due_at is None for m in messages.values())


def test_cancelling_cancels_the_pending_reminder_and_sends_a_cancellation(
    daytime, person, book_in, bex
):
    appointment = book_in(person, hours=72)
    change_state(appointment.pk, EventKind.CANCELLED, acting_user=bex, notify=True)
    messages = kinds(appointment)
    assert messages[MessageKind.REMINDER].state == MessageState.CANCELLED
    assert messages[MessageKind.SUMMON].state == MessageState.CANCELLED  # had not left yet
    assert messages[MessageKind.CANCELLATION].state == MessageState.CREATED


def test_excusing_cancels_the_reminder_and_sends_nothing(daytime, person, book_in, bex):
    appointment = book_in(person, hours=72, notify_mode=NotifyMode.REMIND_ONLY)
    change_state(appointment.pk, EventKind.EXCUSED, acting_user=bex)
    assert {(m.kind, m.state) for m in kinds(appointment).values()} == {
        (MessageKind.REMINDER, MessageState.CANCELLED)
    }


def test_a_sent_reminder_is_not_cancelled(daytime, person, book_in, bex):
    appointment = book_in(person, hours=72, notify_mode=NotifyMode.REMIND_ONLY)
    Message.objects.filter(appointment=appointment).update(state=MessageState.SENT)
    change_state(appointment.pk, EventKind.CANCELLED, acting_user=bex, notify=False)
    assert kinds(appointment)[MessageKind.REMINDER].state == MessageState.SENT


def test_rescheduling_sends_one_reschedule_sms_for_the_new_appointment(
    daytime, person, book_in, bex, office, agenda, slot_type, make_slot
):
    old = book_in(person, hours=72)
    slot = make_slot(hours_from_now=120)
    new = reschedule(old.pk, request_for(person, slot_type, office, agenda, slot), acting_user=bex)
    assert {(m.kind, m.state) for m in kinds(old).values()} == {
        (MessageKind.SUMMON, MessageState.CANCELLED),
        (MessageKind.REMINDER, MessageState.CANCELLED),
    }
    on_new = kinds(new)
    assert set(on_new) == {MessageKind.RESCHEDULE, MessageKind.REMINDER}  # no second summon
    assert on_new[MessageKind.RESCHEDULE].event.kind == EventKind.RESCHEDULED
    assert on_new[MessageKind.REMINDER].due_at == local(new.starts_at) - timedelta(hours=48)


def test_a_no_show_sms_only_when_the_agent_chooses(daytime, person, book_in, bex):
    from jurisdiction_apps.scheduling.models import Appointment

    first, second = book_in(person, hours=72), book_in(person, hours=96)
    Appointment.objects.filter(pk__in=[first.pk, second.pk]).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    change_state(first.pk, EventKind.NO_SHOW, acting_user=bex, notify=True)
    change_state(second.pk, EventKind.NO_SHOW, acting_user=bex, notify=False)
    assert MessageKind.NO_SHOW in kinds(first)
    assert MessageKind.NO_SHOW not in kinds(second)


def test_reverting_a_cancellation_plans_a_new_reminder(daytime, person, book_in, bex):
    appointment = book_in(person, hours=72, notify_mode=NotifyMode.REMIND_ONLY)
    change_state(appointment.pk, EventKind.CANCELLED, acting_user=bex)
    change_state(appointment.pk, EventKind.REVERTED, acting_user=bex)
    reminders = Message.objects.filter(appointment=appointment, kind=MessageKind.REMINDER)
    assert sorted(reminders.values_list("state", flat=True)) == [
        MessageState.CANCELLED,
        MessageState.CREATED,
    ]


def test_an_event_handled_twice_gives_no_second_message(daytime, person, book_in):
    appointment = book_in(person, hours=72)
    event = AppointmentEvent.objects.get(appointment=appointment)
    messages_for_event(event)
    messages_for_event(event)
    assert Message.objects.filter(appointment=appointment).count() == 2


def test_the_database_refuses_a_second_message_for_one_change(daytime, person, book_in):
    appointment = book_in(person, hours=72)
    summon = Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            appointment=appointment,
            person=person,
            event=summon.event,
            kind=MessageKind.SUMMON,
            due_at=timezone.now(),
        )


def test_the_database_refuses_a_second_live_reminder(daytime, person, book_in, bex):
    appointment = book_in(person, hours=72)
    revert_like = AppointmentEvent.objects.create(
        appointment=appointment, person=person, kind=EventKind.REVERTED, to_state="booked"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            appointment=appointment,
            person=person,
            event=revert_like,
            kind=MessageKind.REMINDER,
            due_at=timezone.now(),
        )


def test_a_booking_rolled_back_leaves_no_message(daytime, person, book_in):
    with pytest.raises(RuntimeError), transaction.atomic():
        book_in(person, hours=72)
        raise RuntimeError
    assert not Message.objects.exists()


def test_a_summon_booked_at_night_waits_for_the_morning(in_alpha, person, book_in):
    zone = connection.tenant.zone
    local = timezone.localtime(timezone.now(), zone)
    # Quiet from one hour ago to two hours from now: "now" is night for this jurisdiction.
    set_quiet_hours(
        connection.tenant,
        (local - timedelta(hours=1)).time(),
        (local + timedelta(hours=2)).time(),
    )
    appointment = book_in(person, hours=72)
    summon = kinds(appointment)[MessageKind.SUMMON]
    expected = datetime.combine(local.date(), (local + timedelta(hours=2)).time(), tzinfo=zone)
    if expected < timezone.now():
        expected += timedelta(days=1)
    assert abs(summon.due_at - expected) < timedelta(seconds=1)


def test_reminders_are_in_the_local_time_of_an_overseas_jurisdiction(beta):
    """09:00 at La Réunion is 05:00 UTC: the reminder goes 48 h before, 09:00 local."""
    with tenant_context(beta):
        agent = MembershipFactory(jurisdiction=beta, role=Role.CPIP).user
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place = Place.objects.create(name="SPIP de La Réunion, Saint-Denis")
        place.appointment_types.add(kind)
        person = Person.objects.create(
            last_name="PAYET",
            first_names="Noé",
            birth_date="1991-02-03",
            phone="+262692123456",
            city="SAINT-DENIS",
        )
        zone = beta.zone
        day = open_day(beta, 6)
        starts_at = at(beta, day, 9)
        appointment = book(
            BookingRequest(
                person=person,
                appointment_type=kind,
                place=place,
                starts_at=starts_at,
                notify_mode=NotifyMode.REMIND_ONLY,
            ),
            acting_user=agent,
        )
        reminder = Message.objects.get(appointment=appointment)
        local_due = timezone.localtime(reminder.due_at, zone)
        assert (local_due.date(), local_due.time()) == (day - timedelta(days=2), time(9, 0))
        assert reminder.due_at.astimezone(UTC).time() == time(5, 0)


@pytest.mark.parametrize("region", ["FR", "RE"])
def test_demo_mobiles_are_valid_mobiles_of_their_region(region):
    """The demo people must get SMS: their invented numbers are real mobile numbering."""
    from demo.backoffice import _mobile

    for index in (0, 12, 29):
        fake = Person(phone=_mobile(region, index))
        assert unsendable_reason(fake) == ""
