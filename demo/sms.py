"""Demo SMS history: the messages of appointments the demo moves into the past look as they
would have (delivered before the date), and one number fails, for the failures page."""

from datetime import timedelta

from jurisdiction_apps.notifications.constants import (
    PENDING_STATES,
    FailureReason,
    MessageKind,
    MessageState,
)
from jurisdiction_apps.notifications.models import Message


def settle_past(appointment) -> None:
    """The pending messages of an appointment moved into the past: delivered in time."""
    for message in Message.objects.filter(appointment=appointment, state__in=PENDING_STATES):
        before = timedelta(days=7) if message.kind == MessageKind.SUMMON else timedelta(hours=48)
        message.state = MessageState.DELIVERED
        message.sent_at = appointment.starts_at - before
        message.delivered_at = message.sent_at + timedelta(seconds=4)
        message.due_at = message.sent_at
        message.phone = appointment.person.phone
        message.provider = "link"
        message.attempt_count = 1
        message.save()


def fail_number(appointment) -> None:
    """The summon of this appointment could not reach the person's number."""
    summon = Message.objects.filter(appointment=appointment, kind=MessageKind.SUMMON).first()
    if summon is not None and summon.state in PENDING_STATES:
        summon.state = MessageState.FAILED
        summon.reason = FailureReason.UNREACHABLE
        summon.phone = appointment.person.phone
        summon.provider = "link"
        summon.attempt_count = 1
        summon.failed_at = summon.created_at
        summon.save()
