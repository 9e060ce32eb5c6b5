"""Sending through the local gateway: claim, hand-over, failover, retries, exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications import sending
from jurisdiction_apps.notifications.constants import (
    AttemptOutcome,
    FailureReason,
    MessageKind,
    MessageState,
)
from jurisdiction_apps.notifications.models import Attempt, Message
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import EventKind, NotifyMode
from jurisdiction_apps.scheduling.services import change_state
from tests.notifications.conftest import set_quiet_hours


def send_due():
    """What beat and the worker do: sweep, then run the batches it handed over."""
    sending.sweep()
    ids = list(Message.objects.filter(state=MessageState.QUEUED).values_list("pk", flat=True))
    return sending.send_batch(ids)


def summon_of(appointment):
    return Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)


def test_a_due_summon_reaches_the_gateway_once_with_date_time_place_and_stop_link(
    daytime, gateway, person, book_in
):
    appointment = book_in(person, hours=72)
    report = send_due()
    assert report.sent == 1
    summon = summon_of(appointment)
    assert summon.state == MessageState.SENT
    assert summon.provider == "link" and summon.provider_message_id
    (received,) = gateway.messages()
    assert received["reference"] == summon.reference
    assert received["destination"].lstrip("+") == "33612345678"
    assert received["sender"] == connection.tenant.sms_sender_name
    local = timezone.localtime(appointment.starts_at, connection.tenant.zone)
    assert f"{local.hour}h{local.minute:02d}" in received["text"]
    assert "SPIP d'Alpha" in received["text"]
    assert "STOP SMS : http://alpha.localhost" in received["text"]
    (attempt,) = summon.attempts.all()
    assert (attempt.provider, attempt.outcome, attempt.code) == ("link", "accepted", "0")
    # The reminder is not due yet: still waiting in PostgreSQL.
    reminder = Message.objects.get(appointment=appointment, kind=MessageKind.REMINDER)
    assert reminder.state == MessageState.CREATED


def test_a_batch_handed_over_twice_sends_nothing_twice(daytime, gateway, person, book_in):
    book_in(person, hours=72)
    sending.sweep()
    ids = list(Message.objects.filter(state=MessageState.QUEUED).values_list("pk", flat=True))
    sending.send_batch(ids)
    sending.send_batch(ids)  # the broker redelivers the task
    assert gateway.stats()["accepted"] == 1


def test_the_sweep_claims_only_due_messages(daytime, person, book_in):
    appointment = book_in(person, hours=72)
    assert sending.sweep() == 1
    states = dict(Message.objects.filter(appointment=appointment).values_list("kind", "state"))
    assert states == {MessageKind.SUMMON: MessageState.QUEUED, MessageKind.REMINDER: "created"}
    assert sending.sweep() == 0  # already queued (not yet stale)


def test_a_queued_message_whose_task_was_lost_is_handed_over_again(daytime, person, book_in):
    appointment = book_in(person, hours=72)
    sending.sweep()
    Message.objects.filter(appointment=appointment, state=MessageState.QUEUED).update(
        queued_at=timezone.now() - timedelta(minutes=10)
    )
    assert sending.sweep() == 1


def test_a_worker_killed_after_the_provider_accepted_does_not_send_again(
    daytime, gateway, person, book_in
):
    appointment = book_in(person, hours=72)
    sending.sweep()
    summon = summon_of(appointment)
    prepared, _ = sending._prepare([summon.pk], timezone.now())
    # The call went out, then the worker died before writing the result.
    sending._deliver(prepared[0])
    assert gateway.stats()["accepted"] == 1
    Message.objects.filter(pk=summon.pk).update(sending_at=timezone.now() - timedelta(minutes=5))
    send_due()  # the sweep recovers it, looks it up at the provider, finds it
    summon.refresh_from_db()
    assert summon.state == MessageState.SENT
    assert gateway.stats()["accepted"] == 1
    assert list(summon.attempts.values_list("outcome", flat=True)) == [
        AttemptOutcome.UNKNOWN,
        AttemptOutcome.FOUND,
    ]


def test_a_worker_killed_before_the_call_sends_once_after_recovery(
    daytime, gateway, person, book_in
):
    appointment = book_in(person, hours=72)
    sending.sweep()
    summon = summon_of(appointment)
    sending._prepare([summon.pk], timezone.now())  # committed as sending, then the worker died
    Message.objects.filter(pk=summon.pk).update(sending_at=timezone.now() - timedelta(minutes=5))
    send_due()
    summon.refresh_from_db()
    assert summon.state == MessageState.SENT
    assert gateway.stats()["accepted"] == 1


def test_a_provider_answering_503_fails_over_to_the_other_at_once(
    daytime, gateway, person, book_in
):
    gateway.set_switches({"mode": "error_503", "api": "link"})
    appointment = book_in(person, hours=72)
    send_due()
    summon = summon_of(appointment)
    assert summon.state == MessageState.SENT and summon.provider == "brevo"
    assert [(a.provider, a.outcome, a.code) for a in summon.attempts.all()] == [
        ("link", "transient", "503"),
        ("brevo", "accepted", "201"),
    ]
    assert gateway.stats()["accepted_by_api"] == {"link": 0, "brevo": 1}


def test_both_providers_down_retries_later_with_backoff_in_the_database(
    daytime, gateway, person, book_in, settings
):
    gateway.set_switches({"mode": "error_503", "api": None})
    appointment = book_in(person, hours=72)
    before = timezone.now()
    send_due()
    summon = summon_of(appointment)
    assert summon.state == MessageState.CREATED
    assert summon.attempt_count == 2
    assert summon.due_at >= before + sending.backoff(2)
    assert sending.backoff(30) == timedelta(seconds=settings.SMS_RETRY_MAX_SECONDS)
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > settings.SMS_RETRY_MAX_SECONDS
    )
    # Back to normal: the next due sweep sends it once.
    gateway.set_switches({"mode": "normal"})
    Message.objects.filter(pk=summon.pk).update(due_at=timezone.now())
    send_due()
    summon.refresh_from_db()
    assert summon.state == MessageState.SENT and gateway.stats()["accepted"] == 1


def test_garbage_answers_are_looked_up_before_sending_again(daytime, gateway, person, book_in):
    gateway.set_switches({"mode": "garbage", "api": None})
    appointment = book_in(person, hours=72)
    send_due()
    summon = summon_of(appointment)
    assert summon.state == MessageState.CREATED  # uncertain: no blind failover
    assert summon.attempts.get().outcome == AttemptOutcome.UNKNOWN
    gateway.set_switches({"mode": "normal"})
    Message.objects.filter(pk=summon.pk).update(due_at=timezone.now())
    send_due()
    summon.refresh_from_db()
    assert summon.state == MessageState.SENT
    assert gateway.stats()["accepted"] == 1


def test_a_provider_that_answers_nothing_in_time(daytime, gateway, person, book_in, settings):
    settings.SMS_PROVIDERS["link"]["timeout"] = 0.5
    gateway.set_switches({"mode": "timeout", "api": "link", "timeout_s": 2})
    appointment = book_in(person, hours=72)
    send_due()
    summon = summon_of(appointment)
    assert summon.attempts.get().code == "timeout"
    assert summon.state == MessageState.CREATED


def test_an_unreachable_provider_is_transient(daytime, gateway, person, book_in, settings):
    settings.SMS_PROVIDERS["link"]["url"] = "http://127.0.0.1:9/restapi/v1/sms/send"
    appointment = book_in(person, hours=72)
    send_due()
    summon = summon_of(appointment)
    assert [a.outcome for a in summon.attempts.all()] == ["transient", "accepted"]


@pytest.mark.parametrize(
    ("switch", "reason"),
    [
        ("invalid_numbers", FailureReason.INVALID_NUMBER),
        ("unreachable_numbers", FailureReason.UNREACHABLE),
    ],
)
def test_final_refusals_fail_at_once_with_the_reason(
    daytime, gateway, person, book_in, switch, reason
):
    gateway.set_switches({switch: [person.phone]})
    appointment = book_in(person, hours=72)
    send_due()
    summon = summon_of(appointment)
    assert (summon.state, summon.reason) == (MessageState.FAILED, reason)
    assert summon.attempts.count() == 1  # final: no failover, no retry


def test_a_message_for_an_appointment_cancelled_meanwhile_is_not_sent(
    daytime, gateway, person, book_in, bex
):
    appointment = book_in(person, hours=72)
    sending.sweep()
    change_state(appointment.pk, EventKind.EXCUSED, acting_user=bex)
    Message.objects.filter(appointment=appointment, kind=MessageKind.SUMMON).update(
        state=MessageState.QUEUED
    )
    send_due()
    assert summon_of(appointment).state == MessageState.CANCELLED
    assert gateway.stats()["accepted"] == 0


def test_a_person_who_refused_meanwhile_gets_nothing(daytime, gateway, person, book_in):
    appointment = book_in(person, hours=72)
    sending.sweep()
    Person.objects.filter(pk=person.pk).update(refuses_sms=True)
    send_due()
    summon = summon_of(appointment)
    assert (summon.state, summon.reason) == (MessageState.NOT_SENDABLE, FailureReason.REFUSES_SMS)
    assert gateway.stats()["accepted"] == 0


def test_a_retry_due_at_night_waits_for_the_morning(in_alpha, gateway, person, book_in):
    appointment = book_in(person, hours=72, notify_mode=NotifyMode.REMIND_ONLY)
    reminder = Message.objects.get(appointment=appointment)
    Message.objects.filter(pk=reminder.pk).update(due_at=timezone.now())
    local = timezone.localtime(timezone.now(), connection.tenant.zone)
    set_quiet_hours(
        connection.tenant, (local - timedelta(hours=1)).time(), (local + timedelta(hours=1)).time()
    )
    send_due()
    reminder.refresh_from_db()
    assert reminder.state == MessageState.CREATED
    assert reminder.due_at > timezone.now() + timedelta(minutes=55)
    assert gateway.stats()["received"] == 0


def test_after_the_last_attempt_the_message_fails(daytime, gateway, person, book_in, settings):
    gateway.set_switches({"mode": "error_503", "api": None})
    appointment = book_in(person, hours=72)
    summon = summon_of(appointment)
    Message.objects.filter(pk=summon.pk).update(attempt_limit=2)
    send_due()
    summon.refresh_from_db()
    assert (summon.state, summon.reason) == (MessageState.FAILED, FailureReason.EXHAUSTED)


def test_a_summon_expires_when_its_appointment_has_started(daytime, gateway, person, book_in):
    from jurisdiction_apps.scheduling.models import Appointment

    appointment = book_in(person, hours=72)
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=timezone.now())
    send_due()
    summon = summon_of(appointment)
    assert (summon.state, summon.reason) == (MessageState.FAILED, FailureReason.EXPIRED)


def test_two_concurrent_sweeps_claim_each_message_once(committed_db):
    """SELECT ... FOR UPDATE SKIP LOCKED: two workers, two connections, disjoint claims."""
    from jurisdiction_apps.notifications.bulk import make_due_reminders as make_due_messages

    alpha = committed_db["alpha"]
    with tenant_context(alpha):
        make_due_messages(400)
    claimed, barrier = [], threading.Barrier(2)

    def sweep_in_thread():
        try:
            with tenant_context(alpha):
                barrier.wait()
                with transaction.atomic():
                    ids = sending._claim(
                        sending.CLAIM_SQL,
                        now=timezone.now(),
                        stale=timezone.now() - timedelta(minutes=5),
                        limit=300,
                    )
                claimed.append(ids)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = claimed
    assert not set(first) & set(second)
    assert len(first) + len(second) == 400
    with tenant_context(alpha):
        assert Message.objects.filter(state=MessageState.QUEUED).count() == 400
        assert Attempt.objects.count() == 0


@pytest.mark.parametrize(
    ("switch", "problem"), [("invalid_numbers", "invalid"), ("unreachable_numbers", "unreachable")]
)
def test_brevo_refusals_of_the_number_are_final_and_say_why(gateway, switch, problem):
    from jurisdiction_apps.notifications.providers import OutgoingSms, get_provider

    gateway.set_switches({switch: ["+33612345678"]})
    sms = OutgoingSms("1.1", "+33612345678", "Texte", "JUSTICE", 1, unicode=False)
    result = get_provider("brevo").send(sms)
    assert (result.outcome, result.number_problem) == ("rejected", problem)


def test_a_brevo_refusal_of_the_request_does_not_blame_the_number(gateway):
    from jurisdiction_apps.notifications.providers import OutgoingSms, get_provider

    sms = OutgoingSms("1.2", "+33612345678", "Texte", "", 1, unicode=False)  # no sender
    result = get_provider("brevo").send(sms)
    assert (result.outcome, result.number_problem) == ("rejected", "")


def test_nothing_leaves_a_jurisdiction_that_is_not_live(gamma, gateway):
    """An onboarding jurisdiction books (imports, training): its SMS wait for the go-live."""
    from jurisdiction_apps.notifications.bulk import make_due_reminders

    with tenant_context(gamma):
        ids = make_due_reminders(3)
        assert sending.sweep() == 3  # a sweep sent by hand: beat only sweeps live ones
        assert sending.send_batch(ids).sent == 0
        assert set(Message.objects.values_list("state", flat=True)) == {MessageState.CREATED}
    assert gateway.stats()["received"] == 0
