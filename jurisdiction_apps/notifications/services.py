"""The SMS engine's operations: messages from appointment events, the jurisdiction's own texts,
STOP confirmations, retries (the words themselves: texts.py).
``messages_for_event`` runs inside the transaction that records the event (signal
``appointment_event_recorded``): a change and its messages commit together or not at all. The
send time is a column (``Message.due_at``); nothing is ever scheduled as a delayed broker task.
Sending itself is in ``sending.py``.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jurisdiction_apps.core.audit import audited
from jurisdiction_apps.organisation.models import AppointmentType
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from shared.sms_texts.encoding import normalise_lookalikes
from shared.sms_texts.templating import SAMPLE_VALUES, validate_template

from .constants import (
    PENDING_STATES,
    FailureReason,
    MessageKind,
    MessageState,
    PortalSmsKind,
)
from .models import Message, StopToken, TemplateOverride
from .sending import hand_over_event
from .texts import (
    ANNOUNCING,
    SMS_FIELDS,
    unsendable_reason,
)
from .timing import immediate_send_time, quiet_hours_of, reminder_send_time

# Events after which the agent may choose to send one more SMS.
FOLLOW_UP_KINDS = {
    EventKind.CANCELLED: MessageKind.CANCELLATION,
    EventKind.NO_SHOW: MessageKind.NO_SHOW,
}


# --- messages from events --------------------------------------------------------------------
def _message(event, appointment, kind, due_at, reason):
    if reason:
        return Message(
            appointment=appointment,
            person_id=appointment.person_id,
            event=event,
            kind=kind,
            state=MessageState.NOT_SENDABLE,
            reason=reason,
        )
    return Message(
        appointment=appointment,
        person_id=appointment.person_id,
        event=event,
        kind=kind,
        due_at=due_at,
        attempt_limit=settings.SMS_MAX_ATTEMPTS,
    )


def _reminder(event, appointment, *, announced_now: bool, reason: str, now):
    jurisdiction = connection.tenant
    due = reminder_send_time(
        appointment.starts_at,
        timedelta(hours=appointment.appointment_type.reminder_delay_hours),
        now,
        jurisdiction.zone,
        quiet_hours_of(jurisdiction),
        summon_sent=announced_now,
    )
    if due is None:
        return None
    return _message(event, appointment, MessageKind.REMINDER, due, reason)


def cancel_pending(appointment_id: int, kinds=tuple(MessageKind)) -> int:
    """Cancel what has not left yet (created or queued) for one appointment."""
    return cancel_pending_for([appointment_id], kinds)


def cancel_pending_for(appointment_ids: list[int], kinds=tuple(MessageKind)) -> int:
    """``cancel_pending`` for many appointments at once (an import), 5,000 per statement."""
    now, cancelled = timezone.now(), 0
    for start in range(0, len(appointment_ids), 5000):
        cancelled += Message.objects.filter(
            appointment_id__in=appointment_ids[start : start + 5000],
            kind__in=kinds,
            state__in=PENDING_STATES,
        ).update(state=MessageState.CANCELLED, cancelled_at=now)
    return cancelled


def messages_for_event(event) -> list[Message]:
    """Create the messages an appointment event calls for (idempotent on the event).

    - booked: a summon when the agent chose to notify, and a reminder (none when booked closer
      than the reminder delay and a summon goes out now; sent now otherwise);
    - booked as the replacement of another one: no summon (the reschedule SMS announces it);
    - rescheduled: the old one's pending messages are cancelled; a reschedule SMS for the new
      appointment when the agent chose to notify;
    - cancelled, excused, fulfilled, no-show: pending messages cancelled; a cancellation or a
      no-show SMS when the agent chose to notify;
    - reverted to booked: a new reminder if there is still time.
    A person without a mobile, or who refuses SMS, gets rows "not sendable" (agents see why).
    """
    appointment = event.appointment
    person = appointment.person
    now = timezone.now()
    reason = unsendable_reason(person)
    jurisdiction = connection.tenant
    quiet = quiet_hours_of(jurisdiction)
    right_away = immediate_send_time(now, jurisdiction.zone, quiet)
    messages = []
    kind = event.kind
    if kind == EventKind.BOOKED:
        is_replacement = bool(event.details.get("replaces"))
        summon = event.notify and not is_replacement
        if summon:
            messages.append(_message(event, appointment, MessageKind.SUMMON, right_away, reason))
        messages.append(
            _reminder(event, appointment, announced_now=event.notify, reason=reason, now=now)
        )
    elif kind == EventKind.RESCHEDULED:
        cancel_pending(appointment.pk)
        if event.notify:
            new = appointment.replaced_by
            messages.append(_message(event, new, MessageKind.RESCHEDULE, right_away, reason))
    elif kind in (EventKind.CANCELLED, EventKind.EXCUSED, EventKind.FULFILLED, EventKind.NO_SHOW):
        cancel_pending(appointment.pk)
        follow_up = FOLLOW_UP_KINDS.get(kind)
        if follow_up and event.notify:
            messages.append(_message(event, appointment, follow_up, right_away, reason))
    elif (
        kind == EventKind.REVERTED
        and appointment.state == AppointmentState.BOOKED
        and appointment.starts_at > now
    ):
        messages.append(_reminder(event, appointment, announced_now=False, reason=reason, now=now))
    messages = [message for message in messages if message is not None]
    # ON CONFLICT DO NOTHING: a replayed event, or a second live reminder, adds nothing.
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    if any(m.state == MessageState.CREATED and m.due_at <= now for m in messages):
        transaction.on_commit(lambda: hand_over_event(event.pk))
    return messages


@audited
def save_override(appointment_type, kind: str, text: str, *, acting_user) -> TemplateOverride:
    text = normalise_lookalikes(text)
    validate_template(text, SAMPLE_VALUES)
    override, _ = TemplateOverride.objects.update_or_create(
        appointment_type=appointment_type,
        kind=kind,
        defaults={"text": text, "updated_by": acting_user},
    )
    return override


@audited
def reset_override(appointment_type, kind: str, *, acting_user) -> bool:
    """Back to the national default (which then follows its every edit)."""
    deleted, _ = TemplateOverride.objects.filter(
        appointment_type=appointment_type, kind=kind
    ).delete()
    return bool(deleted)


class StopError(Exception):
    """The STOP link cannot be used (message in French, for the person)."""


def confirm_stop(token: str) -> Person:
    """The person confirmed they want no more SMS: refuse SMS, spend the token, cancel pending."""
    import pghistory

    with transaction.atomic():
        stop = (
            StopToken.objects.select_for_update()
            .select_related("person")
            .filter(token=token)
            .first()
        )
        if stop is None or stop.used_at is not None:
            raise StopError(
                "Ce lien n'est plus valable. Votre demande a peut-être déjà été prise en compte."
            )
        stop.used_at = timezone.now()
        stop.save(update_fields=["used_at"])
        person = stop.person
        with pghistory.context(stop_link=True):
            person.refuses_sms = True
            person.save(update_fields=["refuses_sms"])
        Message.objects.filter(person=person, state__in=PENDING_STATES).update(
            state=MessageState.NOT_SENDABLE, reason=FailureReason.REFUSES_SMS
        )
    return person


@audited
def set_sms_refusal(person: Person, refuses: bool, *, acting_user) -> Person:
    """An agent records that the person refuses SMS, or asks for them again."""
    with transaction.atomic():
        person.refuses_sms = refuses
        person.save(update_fields=["refuses_sms"])
        if refuses:
            Message.objects.filter(person=person, state__in=PENDING_STATES).update(
                state=MessageState.NOT_SENDABLE, reason=FailureReason.REFUSES_SMS
            )
    return person


@audited
def mark_no_mobile(person: Person, *, acting_user) -> Person:
    """From the failures page: the number does not work and there is no other."""
    with transaction.atomic():
        person.no_mobile_phone = True
        person.phone = ""
        person.save(update_fields=["no_mobile_phone", "phone"])
        Message.objects.filter(person=person, state__in=PENDING_STATES).update(
            state=MessageState.NOT_SENDABLE, reason=FailureReason.NO_MOBILE
        )
    return person


class RetryError(Exception):
    """The message cannot be sent again (message in French, for the agent)."""


@audited
def retry_message(message: Message, *, acting_user) -> Message:
    """Send a failed message again (same row: still one SMS per change), after a number fix."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("appointment", "person")
            .get(pk=message.pk)
        )
        if message.state != MessageState.FAILED:
            raise RetryError("Seul un SMS en échec peut être renvoyé.")
        if message.kind == PortalSmsKind.SIGN_IN_CODE:
            raise RetryError("Un code de connexion ne se renvoie pas : la personne en demande un.")
        if message.kind in ANNOUNCING and (
            message.appointment.starts_at <= timezone.now()
            or message.appointment.state != AppointmentState.BOOKED
        ):
            raise RetryError("Le rendez-vous est passé ou n'est plus planifié : rien à renvoyer.")
        if reason := unsendable_reason(message.person):
            raise RetryError(f"Impossible d'envoyer : {FailureReason(reason).label.lower()}.")
        jurisdiction = connection.tenant
        message.state = MessageState.CREATED
        message.reason = ""
        message.failed_at = None
        message.attempt_limit = message.attempt_count + settings.SMS_MAX_ATTEMPTS
        message.due_at = immediate_send_time(
            timezone.now(), jurisdiction.zone, quiet_hours_of(jurisdiction)
        )
        message.save(update_fields=["state", "reason", "failed_at", "attempt_limit", "due_at"])
    return message


# --- going live ------------------------------------------------------------------------------
def schedule_missing_reminders(now=None) -> int:
    """Reminders of the future booked appointments that have no live one (imported appointments
    are created without SMS); called when the jurisdiction goes live, and after an import into a
    jurisdiction already live. Never a summon: the usual
    reminder timing (``reminder_send_time``, nothing sent when too late). Idempotent.

    The reminder belongs to the appointment's latest event; an appointment without any event gets
    a "booked" event (not notified) recording that its reminder was scheduled at go-live.
    """
    from django.db.models import Exists, OuterRef

    now = now or timezone.now()
    live_reminder = Message.objects.filter(
        appointment=OuterRef("pk"),
        kind=MessageKind.REMINDER,
        state__in=[
            *PENDING_STATES,
            MessageState.SENDING,
            MessageState.SENT,
            MessageState.DELIVERED,
        ],
    )

    types = AppointmentType.objects.in_bulk()
    reasons: dict[int, str] = {}  # person id -> why no SMS ("" when one can go)
    created = []
    with transaction.atomic():
        ids = list(
            Appointment.objects.filter(state=AppointmentState.BOOKED, starts_at__gt=now)
            .filter(~Exists(live_reminder))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # In chunks, a few queries each: a go-live after an import of 100,000 appointments
        # must not cost one query per appointment.
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            # Only what a reminder needs: the types and the people's reasons are looked up
            # once (a person has several appointments), not joined on every row.
            appointments = list(
                Appointment.objects.filter(pk__in=chunk).only(
                    "id", "person_id", "appointment_type_id", "starts_at", "state"
                )
            )
            for appointment in appointments:
                appointment.appointment_type = types[appointment.appointment_type_id]
            new_people = {a.person_id for a in appointments} - reasons.keys()
            for person in Person.objects.filter(pk__in=new_people).only(*SMS_FIELDS):
                reasons[person.pk] = unsendable_reason(person)
            latest = {
                event.appointment_id: event
                for event in AppointmentEvent.objects.filter(appointment_id__in=chunk)
                .order_by("appointment_id", "-at", "-pk")
                .distinct("appointment_id")
                .only("id", "appointment_id")
            }
            missing = [
                AppointmentEvent(
                    appointment=appointment,
                    person_id=appointment.person_id,
                    kind=EventKind.BOOKED,
                    to_state=appointment.state,
                    details={"reminder_at_go_live": True},
                )
                for appointment in appointments
                if appointment.pk not in latest
            ]
            for event in AppointmentEvent.objects.bulk_create(missing):
                latest[event.appointment_id] = event
            messages = []
            for appointment in appointments:
                message = _reminder(
                    latest[appointment.pk],
                    appointment,
                    announced_now=False,
                    reason=reasons[appointment.person_id],
                    now=now,
                )
                if message is not None:
                    messages.append(message)
            created += Message.objects.bulk_create(messages, ignore_conflicts=True)
    return len(created)
