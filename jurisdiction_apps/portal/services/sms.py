"""Portal SMS through the SMS engine: fixed short texts, tied to a person, handed over at once."""

from django.db import transaction
from django.utils import timezone

from jurisdiction_apps.notifications.constants import REQUESTED_KINDS, MessageState, PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.notifications.sending import hand_over_messages
from jurisdiction_apps.notifications.texts import unsendable_reason
from jurisdiction_apps.notifications.timing import immediate_send_time, quiet_hours_of
from tenants.urls_helpers import platform_url


def portal_link(path: str) -> str:
    """Absolute address of a portal path on this jurisdiction's main domain."""
    from django.db import connection

    return platform_url(connection.tenant.primary_domain_name() or "", path)


def queue_portal_sms(person, kind: PortalSmsKind, text: str) -> Message:
    """Create the SMS (not sendable ones are recorded as such) and hand it over after commit.

    A sign-in code goes at once; the other kinds wait for the end of the quiet hours.
    """
    from django.db import connection

    jurisdiction = connection.tenant
    now = timezone.now()
    reason = unsendable_reason(person, kind)
    if reason:
        return Message.objects.create(
            person=person, kind=kind, state=MessageState.NOT_SENDABLE, reason=reason, text=""
        )
    due_at = (
        now
        if kind in REQUESTED_KINDS
        else immediate_send_time(now, jurisdiction.zone, quiet_hours_of(jurisdiction))
    )
    message = Message.objects.create(person=person, kind=kind, due_at=due_at, text=text)
    transaction.on_commit(lambda: hand_over_messages([message.pk]))
    return message
