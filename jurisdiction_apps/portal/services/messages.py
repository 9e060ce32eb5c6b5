"""The message thread between a person and their follow-up team, with proof files.

The person writes from the portal, the team answers from the back-office; the person is told of
a team message by a short SMS that never carries its content. Agents' reads of the thread and of
the files are written to ``TeamRead`` (the person's audit page lists them).
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from jurisdiction_apps.core.audit import audited
from jurisdiction_apps.core.history import UNKNOWN_ACTOR, HistoryEntry, user_label
from jurisdiction_apps.notifications.constants import MessageState, PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.people.services import transferred_notice
from shared.sms_texts.encoding import normalise

from ..constants import MAX_MESSAGE_LENGTH, Author, ReadKind
from ..models import Attachment, PortalMessage, TeamRead
from .files import FileRefused, check_upload, store
from .sms import portal_link, queue_portal_sms

__all__ = [
    "FileRefused",
    "MessageRefused",
    "mark_read_by_person",
    "open_file_as_agent",
    "open_thread_as_agent",
    "post_person_message",
    "post_team_message",
    "team_read_entries",
]

EMPTY_MESSAGE = "Votre message est vide. Écrivez un message ou choisissez un fichier."
TOO_LONG = (
    f"Votre message est trop long : {MAX_MESSAGE_LENGTH} caractères au plus. "
    "Coupez-le en plusieurs messages."
)
# No second "new message" SMS while the first one is this recent and not read yet.
NEW_MESSAGE_SMS_QUIET = timedelta(hours=12)
MESSAGES_PATH = "/mon-espace/messages/"


class MessageRefused(ValueError):
    """The message is refused (empty, too long); the text is in French, for the person or agent."""


def _clean_body(body: str | None, upload) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_MESSAGE_LENGTH:
        raise MessageRefused(TOO_LONG)
    if not body and upload is None:
        raise MessageRefused(EMPTY_MESSAGE)
    return body


def _post(person: Person, *, author: str, body, upload, agent=None) -> PortalMessage:
    if person.is_transferred:
        raise MessageRefused(transferred_notice(person))
    body = _clean_body(body, upload)
    checked = check_upload(upload) if upload is not None else None  # raises FileRefused
    attachment = None
    try:
        with transaction.atomic():
            if checked is not None:
                attachment = store(checked, person, agent=agent)
            message = PortalMessage.objects.create(
                person=person, author=author, agent=agent, body=body, attachment=attachment
            )
            if author == Author.TEAM:
                _notify_person(person, message)
    except BaseException:
        if attachment is not None:  # the row is gone with the transaction: so is the file
            attachment.file.storage.delete(attachment.file.name)
        raise
    return message


def post_person_message(person: Person, *, body: str = "", upload=None) -> PortalMessage:
    """A message of the person to their team (text, a proof file, or both)."""
    return _post(person, author=Author.PERSON, body=body, upload=upload)


@audited
def post_team_message(person: Person, *, body: str = "", upload=None, acting_user) -> PortalMessage:
    """An agent's answer; the person gets a "new message" SMS (without the content)."""
    return _post(person, author=Author.TEAM, body=body, upload=upload, agent=acting_user)


def new_message_text() -> str:
    jurisdiction = connection.tenant
    service = jurisdiction.spip_name or jurisdiction.display_name
    return normalise(
        f"{service} : vous avez un nouveau message sur votre espace personnel. "
        f"Pour le lire : {portal_link(MESSAGES_PATH)}"
    )


def _notify_person(person: Person, message: PortalMessage) -> Message | None:
    """Queue the "new message" SMS, unless a recent one already announces unread messages."""
    # One team answer at a time per person: two agents answering together send one SMS.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    since = timezone.now() - NEW_MESSAGE_SMS_QUIET
    recent_sms = (
        Message.objects.filter(person=person, kind=PortalSmsKind.NEW_MESSAGE, created_at__gte=since)
        .exclude(state__in=(MessageState.NOT_SENDABLE, MessageState.CANCELLED))
        .exists()
    )
    if recent_sms:
        still_unread = (
            PortalMessage.objects.filter(person=person)
            .unread_by_person()
            .exclude(pk=message.pk)
            .exists()
        )
        if still_unread:
            return None
    return queue_portal_sms(person, PortalSmsKind.NEW_MESSAGE, new_message_text())


def mark_read_by_person(person: Person) -> int:
    """The person opened their thread: the team's messages are read. Returns how many."""
    return (
        PortalMessage.objects.filter(person=person)
        .unread_by_person()
        .update(read_by_person_at=timezone.now())
    )


def open_thread_as_agent(person: Person, *, agent) -> int:
    """An agent opened the person's thread: their messages are read, and the read is audited.

    Returns how many messages were unread."""
    now = timezone.now()
    with transaction.atomic():
        count = (
            PortalMessage.objects.filter(person=person)
            .unread_by_team()
            .update(read_by_team_at=now, read_by_team_agent=agent)
        )
        TeamRead.objects.create(person=person, agent=agent, kind=ReadKind.THREAD, at=now)
    return count


def open_file_as_agent(attachment: Attachment, *, agent) -> TeamRead:
    """An agent opened a proof file: audited."""
    return TeamRead.objects.create(
        person_id=attachment.person_id, agent=agent, kind=ReadKind.FILE, attachment=attachment
    )


def team_read_entries(person: Person, limit: int | None = None) -> list:
    """Agents' reads of the person's messages and proof files, most recent first, as entries of
    the person's audit page (2 queries; a deleted agent shows as "Agent inconnu")."""
    from django.contrib.auth import get_user_model

    reads = TeamRead.objects.filter(person=person).select_related("attachment")
    reads = reads.order_by("-at", "-pk")
    reads = list(reads[:limit] if limit is not None else reads)
    agent_ids = {read.agent_id for read in reads}
    users = get_user_model().objects.in_bulk(agent_ids) if agent_ids else {}
    entries = []
    for read in reads:
        actor = user_label(users[read.agent_id]) if read.agent_id in users else UNKNOWN_ACTOR
        is_file = read.kind == ReadKind.FILE
        verb = "Justificatif ouvert par" if is_file else "Messages lus par"
        entries.append(
            HistoryEntry(
                at=read.at,
                title=f"{verb} {actor}",
                actor=actor,
                category="portal_read",
                details=read.attachment.original_name if is_file and read.attachment else "",
                sort_key=(read.at, 4, read.pk),
            )
        )
    return entries
