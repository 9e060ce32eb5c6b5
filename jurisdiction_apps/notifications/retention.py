"""Retention of SMS: the text and the number go three months after the SMS ended (delivered,
failed, cancelled, not sendable, or sent without a receipt); the rest stays until the person is
erased. Used STOP links go after thirty days."""

from django.db.models import Q

from shared.retention.batches import delete_in_batches, update_in_batches

from .constants import MessageState
from .models import Message, StopToken


def ended_before(cutoff) -> Q:
    return (
        Q(state=MessageState.DELIVERED, delivered_at__lt=cutoff)
        | Q(state=MessageState.FAILED, failed_at__lt=cutoff)
        | Q(state=MessageState.CANCELLED, cancelled_at__lt=cutoff)
        | Q(state=MessageState.SENT, sent_at__lt=cutoff)
        | Q(state=MessageState.NOT_SENDABLE)
    )


def messages_to_redact(cutoff):
    # created_at < cutoff is implied by every end time: it lets the partial index narrow first.
    return Message.objects.filter(
        Q(created_at__lt=cutoff) & (~Q(text="") | ~Q(phone="")) & ended_before(cutoff)
    )


def redact_texts(rule, now, *, dry_run, clock) -> int:
    return update_in_batches(
        messages_to_redact(rule.cutoff(now)),
        {"text": "", "phone": ""},
        clock=clock,
        dry_run=dry_run,
    )


def purge_stop_tokens(rule, now, *, dry_run, clock) -> int:
    return delete_in_batches(
        StopToken.objects.filter(used_at__lt=rule.cutoff(now)), clock=clock, dry_run=dry_run
    )
