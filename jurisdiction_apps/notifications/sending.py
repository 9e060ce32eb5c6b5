"""Handing due messages to providers, exactly once.

1. ``sweep`` (beat, every SMS_SWEEP_INTERVAL_SECONDS in each live jurisdiction) claims the due
   messages with ``SELECT ... FOR UPDATE SKIP LOCKED`` (created → queued) and hands their ids to
   ``notifications.send_batch`` tasks after commit. Immediate messages (summons...) are handed
   over right after the booking commits, without waiting for the sweep.
2. ``send_batch`` locks its queued messages, renders them, and commits them as ``sending`` with
   one ``Attempt`` row each *before* any provider is called: that row is the idempotency record.
3. The provider calls run on a thread pool (keep-alive connections); the results are written in
   one transaction: sent, failed (final), back to queued for the next provider (failover), or
   created again with an exponential backoff in ``due_at`` (never a delayed broker task).
4. A worker killed during a call leaves messages ``sending``: the sweep finds them after
   SMS_SENDING_TIMEOUT_SECONDS, marks their attempt "unknown", and the next attempt first asks
   the provider whether it has that reference (``find``) before sending anything again.
"""

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jurisdiction_apps.scheduling.constants import AppointmentState
from shared.sms_texts.encoding import UCS2, measure
from tenants.constants import JurisdictionStatus

from .constants import (
    REQUESTED_KINDS,
    AttemptOutcome,
    FailureReason,
    MessageState,
    PortalSmsKind,
)
from .models import Attempt, Message, reference_for
from .providers import Outcome, OutgoingSms, ProviderError, SendResult, get_provider
from .texts import ANNOUNCING, TextBook, render_message, stop_tokens, stop_url, unsendable_reason
from .timing import quiet_hours_of

logger = logging.getLogger(__name__)

_EXECUTOR: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(settings.SMS_SEND_THREADS, thread_name_prefix="sms")
    return _EXECUTOR


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk_set(objects: list, fields: list[str]) -> None:
    """What ``bulk_update`` writes, in one ``UPDATE ... FROM (VALUES ...)``: Django's CASE WHEN
    per row and field cost more CPU than the provider calls (bench/sms.py)."""
    if not objects:
        return
    meta = type(objects[0])._meta
    quote = connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]

    def cast(column) -> str:  # text for strings: varchar(n) columns still refuse longer values
        text = column.get_internal_type() in ("CharField", "TextField")
        return "text" if text else column.db_type(connection)

    row = "(" + ", ".join(f"%s::{cast(column)}" for column in columns) + ")"
    params = []
    for obj in objects:
        params += [
            column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns
        ]
    names = ", ".join(quote(column.column) for column in columns)
    assignments = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns[1:])
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
            f"FROM (VALUES {', '.join([row] * len(objects))}) AS v({names}) WHERE t.{pk} = v.{pk}",
            params,
        )


def _stop_links(tokens: dict[int, str]) -> dict[int, str]:
    """Each person's STOP link, with one look-up of the jurisdiction's domain per batch."""
    domain = connection.tenant.primary_domain_name() or ""
    return {person_id: stop_url(token, domain) for person_id, token in tokens.items()}


# --- claiming ------------------------------------------------------------------------------
CLAIM_SQL = """
WITH due AS (
    SELECT id FROM {table}
    WHERE (state = 'created' AND due_at <= %(now)s)
       OR (state = 'queued' AND queued_at < %(stale)s)
    ORDER BY due_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE {table} AS m SET state = 'queued', queued_at = %(now)s
FROM due WHERE m.id = due.id
RETURNING m.id
"""

CLAIM_EVENT_SQL = """
UPDATE {table} SET state = 'queued', queued_at = %(now)s
WHERE id IN (
    SELECT id FROM {table}
    WHERE event_id = %(event)s AND state = 'created' AND due_at <= %(now)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""


def _claim(sql: str, **params) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=Message._meta.db_table), params)
        return [row[0] for row in cursor.fetchall()]


def _hand_over(ids: list[int]) -> None:
    """Queue the claimed messages for send_batch (tasks.py), by its name: the tasks module is the
    entry point above this one."""
    for chunk in _chunks(sorted(ids), settings.SMS_BATCH_SIZE):
        transaction.on_commit(lambda chunk=chunk: current_app.send_task(SEND_BATCH, args=[chunk]))


SEND_BATCH = "notifications.send_batch"  # the task of tasks.py
CLAIM_CHUNK = 5000  # messages claimed per transaction of a sweep


def sweep(now=None) -> int:
    """Recover what dead workers left, then claim every due message and hand it over."""
    now = now or timezone.now()
    recover_stuck(now)
    stale = now - timedelta(seconds=settings.SMS_QUEUED_TIMEOUT_SECONDS)
    total = 0
    while total < settings.SMS_SWEEP_LIMIT:
        with transaction.atomic():
            limit = min(CLAIM_CHUNK, settings.SMS_SWEEP_LIMIT - total)
            ids = _claim(CLAIM_SQL, now=now, stale=stale, limit=limit)
            _hand_over(ids)
        total += len(ids)
        if len(ids) < limit:
            break
    if total:
        logger.info("sms sweep handed over %d message(s)", total)
    return total


CLAIM_IDS_SQL = """
UPDATE {table} SET state = 'queued', queued_at = %(now)s
WHERE id IN (
    SELECT id FROM {table}
    WHERE id = ANY(%(ids)s) AND state = 'created' AND due_at <= %(now)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""

HANDED_OVER = frozenset({MessageState.SENT, MessageState.DELIVERED, MessageState.FAILED})


def blank_out_code(text: str) -> str:
    """A sign-in code is not kept once handed over: its digits become dots."""
    return re.sub(r"\b\d{6}\b", "••••••", text)


def _hand_over_now(sql: str, **params) -> int:
    """Claim the due messages ``sql`` selects and hand them over at once, after the commit.

    Nothing leaves a jurisdiction before it goes live (imports, training); if the broker is
    unreachable, the sweep hands them over later."""
    if not _is_live():
        return 0
    try:
        with transaction.atomic():
            claimed = _claim(sql, now=timezone.now(), **params)
            _hand_over(claimed)
    except Exception:  # the change is done; the sweep will hand them over
        logger.warning("sms: immediate hand-over failed, left to the sweep", exc_info=True)
        return 0
    return len(claimed)


def hand_over_messages(ids: list[int]) -> int:
    """These due messages (portal SMS), at once."""
    return _hand_over_now(CLAIM_IDS_SQL, ids=list(ids))


def hand_over_event(event_id: int) -> int:
    """The due messages of one event (a summon, by day), at once after the booking commits."""
    return _hand_over_now(CLAIM_EVENT_SQL, event=event_id)


def recover_stuck(now=None) -> int:
    """Messages left ``sending`` by a dead worker: their outcome is unknown, look them up."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.SMS_SENDING_TIMEOUT_SECONDS)
    with transaction.atomic():
        stuck = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(state=MessageState.SENDING, sending_at__lt=limit)
            .values_list("pk", flat=True)
        )
        if not stuck:
            return 0
        Attempt.objects.filter(message_id__in=stuck, outcome=AttemptOutcome.PENDING).update(
            outcome=AttemptOutcome.UNKNOWN, detail="envoi interrompu", finished_at=now
        )
        Message.objects.filter(pk__in=stuck).update(state=MessageState.CREATED, due_at=now)
    logger.warning("sms: %d message(s) left sending by a stopped worker, to be checked", len(stuck))
    return len(stuck)


# --- sending -------------------------------------------------------------------------------
@dataclass
class Prepared:
    message_id: int
    attempt_id: int
    provider: str
    sms: OutgoingSms
    lookups: list[str] = field(default_factory=list)  # providers with an uncertain attempt


@dataclass
class BatchReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0


def backoff(attempts: int) -> timedelta:
    seconds = settings.SMS_RETRY_FIRST_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.SMS_RETRY_MAX_SECONDS))


def _finish(message: Message, state: str, now, reason: str = "") -> None:
    message.state = state
    message.reason = reason
    if state == MessageState.FAILED:
        message.failed_at = now
    elif state == MessageState.CANCELLED:
        message.cancelled_at = now


def _is_live() -> bool:
    return getattr(connection.tenant, "status", None) == JurisdictionStatus.LIVE


def _prepare(ids, now) -> tuple[list[Prepared], int]:
    """Lock the queued messages, render them and commit them as sending, one attempt each.

    Returns what to send and how many messages were closed without sending."""
    jurisdiction = connection.tenant
    if not _is_live():
        # Onboarding or suspended: the messages wait, due, for the jurisdiction to be live.
        Message.objects.filter(pk__in=ids, state=MessageState.QUEUED).update(
            state=MessageState.CREATED
        )
        return [], 0
    order = jurisdiction.sms_provider_order
    quiet = quiet_hours_of(jurisdiction)
    with transaction.atomic():
        messages = list(
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, state=MessageState.QUEUED)
            .select_related(
                "appointment__appointment_type", "appointment__place__service_page", "person"
            )
        )
        if not messages:
            return [], 0
        uncertain = {}
        for message_id, provider in Attempt.objects.filter(
            message_id__in=[m.pk for m in messages], outcome=AttemptOutcome.UNKNOWN
        ).values_list("message_id", "provider"):
            uncertain.setdefault(message_id, set()).add(provider)
        ready, closed = [], []
        for message in messages:
            appointment = message.appointment
            if message.kind in ANNOUNCING and appointment.state != AppointmentState.BOOKED:
                _finish(message, MessageState.CANCELLED, now)
            elif message.kind in ANNOUNCING and appointment.starts_at <= now:
                _finish(message, MessageState.FAILED, now, FailureReason.EXPIRED)
            elif reason := unsendable_reason(message.person, message.kind):
                _finish(message, MessageState.NOT_SENDABLE, now, reason)
            elif message.attempt_count >= message.attempt_limit:
                _finish(message, MessageState.FAILED, now, FailureReason.EXHAUSTED)
            elif message.kind not in REQUESTED_KINDS and quiet.is_quiet(now, jurisdiction.zone):
                # A retry or a late hand-over reaching the night: wait for the morning.
                message.state = MessageState.CREATED
                message.due_at = quiet.next_allowed(now, jurisdiction.zone)
            else:
                ready.append(message)
                continue
            closed.append(message)
        _bulk_set(closed, ["state", "reason", "failed_at", "cancelled_at", "due_at"])
        links = _stop_links(stop_tokens({m.person_id for m in ready}))
        text_book = TextBook()
        attempts, prepared = [], []
        for message in ready:
            text = (
                render_message(message, text_book, links[message.person_id])
                if message.appointment_id
                else message.text  # portal SMS: written when created
            )
            cost = measure(text)
            provider = order[message.attempt_count % len(order)]
            message.attempt_count += 1
            message.state = MessageState.SENDING
            message.sending_at = now
            message.provider = provider
            message.phone = message.person.phone
            message.text = text
            message.segments = cost.segments
            attempts.append(
                Attempt(message=message, number=message.attempt_count, provider=provider)
            )
            prepared.append(
                Prepared(
                    message_id=message.pk,
                    attempt_id=0,
                    provider=provider,
                    sms=OutgoingSms(
                        reference=reference_for(message.pk),
                        phone=message.phone,
                        text=text,
                        sender=jurisdiction.sms_sender_name,
                        segments=cost.segments,
                        unicode=cost.encoding == UCS2,
                    ),
                    lookups=sorted(uncertain.get(message.pk, ())),
                )
            )
        _bulk_set(
            ready,
            ["attempt_count", "state", "sending_at", "provider", "phone", "text", "segments"],
        )
        Attempt.objects.bulk_create(attempts)
        for item, attempt in zip(prepared, attempts, strict=True):
            item.attempt_id = attempt.pk
    return prepared, len(closed)


def _deliver(item: Prepared) -> SendResult:
    """Look up uncertain earlier attempts first; send only when no provider has the message."""
    for name in item.lookups:
        provider = get_provider(name)
        if not provider.supports_lookup:
            # Cannot check: sending again could double the SMS. Count it as sent; the delivery
            # receipt (or its absence, flagged to agents) tells the rest.
            return SendResult(Outcome.ACCEPTED, "unverified", detail="envoi non vérifiable")
        try:
            found = provider.find(item.sms.reference)
        except ProviderError:
            return SendResult(Outcome.UNKNOWN, "lookup", detail="vérification impossible")
        if found:
            return SendResult(Outcome.ACCEPTED, "found", provider_message_id=found)
    try:
        return get_provider(item.provider).send(item.sms)
    except Exception:  # an adapter bug must not leave the batch half-written
        logger.exception("sms provider %s raised", item.provider)
        return SendResult(Outcome.UNKNOWN, "exception", detail="erreur inattendue")


NUMBER_PROBLEMS = {
    "invalid": FailureReason.INVALID_NUMBER,
    "unreachable": FailureReason.UNREACHABLE,
}


def _apply(prepared: list[Prepared], results: list[SendResult], now, tried: dict) -> list[int]:
    """Write the outcomes; return the ids to try at once with the next provider."""
    providers = connection.tenant.sms_provider_order
    failover = []
    with transaction.atomic():
        messages = Message.objects.select_for_update().in_bulk([p.message_id for p in prepared])
        attempts = Attempt.objects.in_bulk([p.attempt_id for p in prepared])
        for item, result in zip(prepared, results, strict=True):
            message, attempt = messages[item.message_id], attempts[item.attempt_id]
            attempt.code = result.code[:32]
            attempt.detail = result.detail[:200]
            attempt.provider_message_id = result.provider_message_id
            attempt.finished_at = now
            receipt_came_first = message.state in (MessageState.DELIVERED, MessageState.FAILED)
            if result.outcome == Outcome.ACCEPTED:
                attempt.outcome = (
                    AttemptOutcome.FOUND if result.code == "found" else AttemptOutcome.ACCEPTED
                )
                message.provider_message_id = result.provider_message_id
                message.sent_at = now
                if not receipt_came_first:
                    message.state = MessageState.SENT
            elif receipt_came_first:
                attempt.outcome = AttemptOutcome.UNKNOWN
            elif result.outcome == Outcome.REJECTED:
                attempt.outcome = AttemptOutcome.REJECTED
                reason = NUMBER_PROBLEMS.get(result.number_problem, FailureReason.REJECTED)
                _finish(message, MessageState.FAILED, now, reason)
            else:
                attempt.outcome = (
                    AttemptOutcome.TRANSIENT
                    if result.outcome == Outcome.TRANSIENT
                    else AttemptOutcome.UNKNOWN
                )
                tried.setdefault(item.message_id, set()).add(item.provider)
                untried = len(tried[item.message_id]) < len(providers)
                if (
                    result.outcome == Outcome.TRANSIENT
                    and untried
                    and message.attempt_count < message.attempt_limit
                ):
                    message.state = MessageState.QUEUED  # failover: next provider, now
                    failover.append(message.pk)
                elif message.attempt_count >= message.attempt_limit:
                    _finish(message, MessageState.FAILED, now, FailureReason.EXHAUSTED)
                else:
                    message.state = MessageState.CREATED
                    message.due_at = now + backoff(message.attempt_count)
            if message.kind == PortalSmsKind.SIGN_IN_CODE and message.state in HANDED_OVER:
                message.text = blank_out_code(message.text)
        _bulk_set(
            list(attempts.values()),
            ["outcome", "code", "detail", "provider_message_id", "finished_at"],
        )
        _bulk_set(
            list(messages.values()),
            ["state", "reason", "provider_message_id", "sent_at", "failed_at", "due_at", "text"],
        )
    return failover


def send_batch(ids, now=None) -> BatchReport:
    """Send these queued messages; transient failures move on to the next provider at once."""
    total = BatchReport()
    tried: dict[int, set] = {}
    pending = list(ids)
    while pending:
        now = timezone.now()
        prepared, skipped = _prepare(pending, now)
        total.skipped += skipped
        if not prepared:
            break
        results = list(_executor().map(_deliver, prepared))
        pending = _apply(prepared, results, timezone.now(), tried)
        total.sent += sum(r.outcome == Outcome.ACCEPTED for r in results)
        total.failed += sum(r.outcome == Outcome.REJECTED for r in results)
        total.retried += sum(r.outcome in (Outcome.TRANSIENT, Outcome.UNKNOWN) for r in results)
    return total
