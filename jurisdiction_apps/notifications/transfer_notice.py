"""The SMS telling a person that their follow-up moved to another jurisdiction (issue 19, point 3).

Queued by ``shared.transfers.services`` inside the acceptance's transaction, in the SOURCE
jurisdiction's schema, when the source agent chose to tell the person: it commits with the
transfer or not at all. Like the portal SMS it is tied to a person, not to an appointment, and
its text is written when it is created (``NoticeSmsKind.TRANSFER``). Exactly once per transfer:
a record is transferred away once (it stays read-only afterwards) and the partial unique
constraint ``one_transfer_sms_per_person`` allows one such SMS per person.

No STOP line: it is the last SMS the source sends this person (the record becomes read-only);
a STOP there would change nothing. A person who refuses SMS, or has no mobile, gets a row "not
sendable" with the reason, as for appointment SMS: agents see why nothing left.
"""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared.sms_texts.encoding import measure, normalise

from .constants import MessageState, NoticeSmsKind
from .models import Message
from .sending import hand_over_messages
from .texts import unsendable_reason
from .timing import immediate_send_time, quiet_hours_of

TRANSFER_TEXT = "Votre suivi est désormais assuré par {service}. Contact : {contact}."
TRANSFER_TEXT_WITHOUT_CONTACT = "Votre suivi est désormais assuré par {service}."


def transfer_text(service_name: str, contact: str) -> str:
    """The words, in GSM-7 where the names allow it (ê → e...); one SMS part while the service's
    name and contact stay under about 100 characters together (``measure`` says the cost)."""
    service = " ".join(service_name.split()).rstrip(".")
    contact = " ".join((contact or "").split()).rstrip(".")
    if not contact or contact == service:
        text = TRANSFER_TEXT_WITHOUT_CONTACT.format(service=service)
    else:
        text = TRANSFER_TEXT.format(service=service, contact=contact)
    return normalise(text)


def queue_transfer_notice(person, *, service_name: str, contact: str) -> Message:
    """Record the SMS (the existing one if it was already queued) and hand it over once the
    acceptance commits (at once by day; at the end of the quiet hours by night)."""
    existing = Message.objects.filter(person=person, kind=NoticeSmsKind.TRANSFER).first()
    if existing is not None:
        return existing
    jurisdiction = connection.tenant
    reason = unsendable_reason(person, NoticeSmsKind.TRANSFER)
    if reason:
        return Message.objects.create(
            person=person,
            kind=NoticeSmsKind.TRANSFER,
            state=MessageState.NOT_SENDABLE,
            reason=reason,
            text="",
        )
    now = timezone.now()
    text = transfer_text(service_name, contact)
    message = Message.objects.create(
        person=person,
        kind=NoticeSmsKind.TRANSFER,
        due_at=immediate_send_time(now, jurisdiction.zone, quiet_hours_of(jurisdiction)),
        text=text,
        segments=measure(text).segments,
        attempt_limit=settings.SMS_MAX_ATTEMPTS,
    )
    if message.due_at <= now:
        # After the commit the connection may be in another schema (the acceptance moves
        # between both): the hand-over enters the source's again.
        transaction.on_commit(lambda: _hand_over(jurisdiction, message.pk))
    return message


def _hand_over(jurisdiction, message_id: int) -> None:
    with tenant_context(jurisdiction):
        hand_over_messages([message_id])
