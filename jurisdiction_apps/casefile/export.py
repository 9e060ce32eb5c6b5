"""Everything the jurisdiction holds on one person, as a ZIP (right of access, issue 18 point 6).

The archive holds:

- ``synthese.html``: a readable French summary, self-contained (inline CSS, no script, no link
  out), printable;
- ``donnees.json``: the same data, machine-readable (ISO 8601 dates, stable English keys, UTF-8);
- ``pieces-jointes/``: the proof files of the portal thread, under safe names.

What it reads: the person, their appointments and the history of each, the SMS and their
attempts, the portal (messages, change requests, proof files, sign-ins, invitations, sign-in
codes, calendar addresses), the STOP links, who opened their page and their portal thread, and
the audit trail (snapshots of the person and of their appointments). Secrets are left out: the
hashes of sign-in codes and the tokens of links are not the person's data, and would open their
space. A fixed number of queries, whatever the length of the follow-up.
"""

import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from tempfile import SpooledTemporaryFile

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from jurisdiction_apps.core.history import UNKNOWN_ACTOR, user_label
from jurisdiction_apps.core.phones import display_phone
from jurisdiction_apps.notifications.constants import MessageState
from jurisdiction_apps.notifications.models import Attempt, Message, StopToken
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.constants import Author, FileKind
from jurisdiction_apps.portal.models import (
    Attachment,
    CalendarFeed,
    ChangeRequest,
    Invitation,
    PortalMessage,
    SignIn,
    SignInCode,
    TeamRead,
)
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent

from . import history

FORMAT = "donnees-personne/1"
HTML_NAME = "synthese.html"
JSON_NAME = "donnees.json"
FILES_DIR = "pieces-jointes"
# Kept in memory up to this size, then on disk (proof files weigh up to 10 MB each).
IN_MEMORY_BYTES = 8 * 1024 * 1024
EXTENSIONS = {FileKind.PDF: ".pdf", FileKind.JPEG: ".jpg", FileKind.PNG: ".png"}
# An SMS whose text is empty in these states never had one yet; in the others it was redacted
# by the retention job (docs/data-protection.md).
NOT_YET_WRITTEN = frozenset({MessageState.CREATED, MessageState.QUEUED})
SYSTEM = "Traitement automatique"
# The French names of the keys of an appointment event's details (scheduling, notifications).
DETAIL_LABELS = {
    "reason": "motif : {}",
    "note": "note : {}",
    "replaces": "remplace la convocation n° {}",
    "new_appointment": "nouvelle convocation n° {}",
    "reminder_at_go_live": "rappel programmé à l'ouverture",
}


def archive_name(person: Person, today: date) -> str:
    """The download's name: the person's internal number and the date, nothing personal."""
    return f"donnees-personne-{person.pk}-{today:%Y-%m-%d}.zip"


def safe_file_name(attachment: Attachment) -> str:
    """``<id>-<ASCII letters, digits, dots, dashes>`` with the extension of the checked type."""
    stem = attachment.original_name.rsplit(".", 1)[0] if attachment.original_name else ""
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:60] or "fichier"
    return f"{attachment.pk}-{stem}{EXTENSIONS.get(attachment.content_type, '.bin')}"


# --- values ---------------------------------------------------------------------------------
def _iso(value):
    """JSON's writing of the dates and times kept as objects in the data (the HTML formats them
    in French): ISO 8601, times in the jurisdiction's zone with their offset."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@dataclass
class _Users:
    by_id: dict

    def label(self, user_id, *, none: str | None = None):
        if user_id is None:
            return none
        return user_label(self.by_id[user_id]) if user_id in self.by_id else UNKNOWN_ACTOR


def _users(ids) -> _Users:
    ids = {pk for pk in ids if pk is not None}
    return _Users(get_user_model().objects.in_bulk(ids) if ids else {})


# --- reading --------------------------------------------------------------------------------
def _read(person_id: int) -> dict:
    """Every row of the person, each kind in one query (prefetches included)."""
    person = Person.objects.get(pk=person_id)
    appointments = list(
        Appointment.objects.filter(person_id=person_id)
        .select_related("appointment_type", "place", "agenda")
        .prefetch_related(
            Prefetch("history", queryset=AppointmentEvent.objects.order_by("at", "pk"))
        )
        .order_by("starts_at", "pk")
    )
    messages = list(
        Message.objects.filter(person_id=person_id)
        .prefetch_related(Prefetch("attempts", queryset=Attempt.objects.order_by("number")))
        .order_by("created_at", "pk")
    )
    requests = list(
        ChangeRequest.objects.filter(person_id=person_id)
        .select_related("appointment__appointment_type", "new_appointment")
        .order_by("created_at", "pk")
    )
    return {
        "person": person,
        "appointments": appointments,
        "messages": messages,
        "portal_messages": list(
            PortalMessage.objects.filter(person_id=person_id).order_by("created_at", "pk")
        ),
        "requests": requests,
        "attachments": list(
            Attachment.objects.filter(person_id=person_id).order_by("created_at", "pk")
        ),
        "views": list(person.views.order_by("viewed_at", "pk")),
        "reads": list(
            TeamRead.objects.filter(person_id=person_id)
            .select_related("attachment")
            .order_by("at", "pk")
        ),
        "sign_ins": list(SignIn.objects.filter(person_id=person_id).order_by("at", "pk")),
        "invitations": list(
            Invitation.objects.filter(person_id=person_id).order_by("created_at", "pk")
        ),
        "codes": list(SignInCode.objects.filter(person_id=person_id).order_by("created_at", "pk")),
        "feeds": list(
            CalendarFeed.objects.filter(person_id=person_id).order_by("created_at", "pk")
        ),
        "stop_tokens": list(
            StopToken.objects.filter(person_id=person_id).order_by("created_at", "pk")
        ),
    }


def _user_ids(rows: dict) -> set:
    person = rows["person"]
    ids = {person.referent_id, person.held_by_id}
    for appointment in rows["appointments"]:
        ids |= {appointment.booked_by_id, appointment.assigned_agent_id}
        ids |= {event.actor_id for event in appointment.history.all()}
    ids |= {message.agent_id for message in rows["portal_messages"]}
    ids |= {message.read_by_team_agent_id for message in rows["portal_messages"]}
    ids |= {request.handled_by_id for request in rows["requests"]}
    ids |= {attachment.uploaded_by_agent_id for attachment in rows["attachments"]}
    ids |= {view.viewer_id for view in rows["views"]}
    ids |= {read.agent_id for read in rows["reads"]}
    ids |= {invitation.sent_by_id for invitation in rows["invitations"]}
    return ids


# --- the data, as the JSON shows it ---------------------------------------------------------
def _person(person: Person, users: _Users, region: str) -> dict:
    return {
        "id": person.pk,
        "last_name": person.last_name,
        "first_names": person.first_names,
        "birth_date": person.birth_date,
        "appi_number": person.appi_number or None,
        "residence": person.residence,
        "residence_label": person.get_residence_display(),
        "city": person.city or None,
        "phone": person.phone or None,
        "phone_display": display_phone(person.phone, region) if person.phone else None,
        "no_mobile_phone": person.no_mobile_phone,
        "refuses_sms": person.refuses_sms,
        "sms_status": person.sms_status,
        "created_at": person.created_at,
        "follow_up_since": person.follow_up_since,
        "archived_at": person.archived_at,
        "held_at": person.held_at,
        "hold_reason": person.hold_reason or None,
        "held_by": users.label(person.held_by_id),
    }


def _appointment(appointment: Appointment, users: _Users) -> dict:
    return {
        "id": appointment.pk,
        "type": appointment.appointment_type.label,
        "place": appointment.place.name,
        "agenda": appointment.agenda.name if appointment.agenda_id else None,
        "starts_at": appointment.starts_at,
        "duration_minutes": appointment.duration_minutes,
        "state": appointment.state,
        "state_label": appointment.get_state_display(),
        "notify_mode": appointment.notify_mode,
        "notify_mode_label": appointment.get_notify_mode_display(),
        "case_numbers": appointment.case_numbers or None,
        "booked_by": users.label(appointment.booked_by_id),
        "assigned_agent": users.label(appointment.assigned_agent_id),
        "replaces": appointment.replaces_id,
        "created_at": appointment.created_at,
        "history": [
            {
                "at": event.at,
                "kind": event.kind,
                "kind_label": event.get_kind_display(),
                "from_state": event.from_state or None,
                "to_state": event.to_state,
                "to_state_label": event.get_to_state_display(),
                "actor": users.label(event.actor_id, none=SYSTEM),
                "person_notified": event.notify,
                "details": event.details or {},
                "details_text": _details_text(event.details or {}),
            }
            for event in appointment.history.all()
        ],
    }


def _details_text(details: dict) -> str:
    return " ; ".join(
        DETAIL_LABELS.get(key, f"{key} : {{}}").format(value) for key, value in details.items()
    )


def _sms(message: Message) -> dict:
    redacted = not message.text and message.state not in NOT_YET_WRITTEN
    return {
        "id": message.pk,
        "appointment": message.appointment_id,
        "kind": message.kind,
        "kind_label": message.get_kind_display(),
        "state": message.state,
        "state_label": message.get_state_display(),
        "failure_reason": message.get_reason_display() if message.reason else None,
        "phone": message.phone or None,
        "text": message.text or None,
        "text_redacted": redacted,
        "segments": message.segments,
        "attempt_count": message.attempt_count,
        "created_at": message.created_at,
        "due_at": message.due_at,
        "sent_at": message.sent_at,
        "delivered_at": message.delivered_at,
        "failed_at": message.failed_at,
        "cancelled_at": message.cancelled_at,
        "attempts": [
            {
                "number": attempt.number,
                "provider": attempt.provider,
                "outcome": attempt.outcome,
                "outcome_label": attempt.get_outcome_display(),
                "started_at": attempt.started_at,
                "finished_at": attempt.finished_at,
            }
            for attempt in message.attempts.all()
        ],
    }


def _portal_message(message: PortalMessage, users: _Users, files: dict) -> dict:
    return {
        "id": message.pk,
        "author": message.author,
        "author_label": (
            Author.PERSON.label
            if message.author == Author.PERSON
            else users.label(message.agent_id)
        ),
        "body": message.body or None,
        "attachment": files.get(message.attachment_id),
        "change_request": message.change_request_id,
        "created_at": message.created_at,
        "read_by_team_at": message.read_by_team_at,
        "read_by_team_agent": users.label(message.read_by_team_agent_id),
        "read_by_person_at": message.read_by_person_at,
    }


def _change_request(request: ChangeRequest, users: _Users) -> dict:
    appointment = request.appointment
    return {
        "id": request.pk,
        "appointment": appointment.pk,
        "appointment_label": f"{appointment.appointment_type.label} du "
        + date_format(timezone.localtime(appointment.starts_at), "d/m/Y à H\\hi"),
        "kind": request.kind,
        "kind_label": request.get_kind_display(),
        "reason": request.reason or None,
        "state": request.state,
        "state_label": request.get_state_display(),
        "created_at": request.created_at,
        "handled_at": request.handled_at,
        "handled_by": users.label(request.handled_by_id),
        "answer": request.answer or None,
        "new_appointment": request.new_appointment_id,
        "attachment": request.attachment_id,
    }


def _attachment(attachment: Attachment, users: _Users) -> dict:
    return {
        "id": attachment.pk,
        "original_name": attachment.original_name,
        "content_type": attachment.content_type,
        "content_type_label": attachment.get_content_type_display(),
        "size": attachment.size,
        "sha256": attachment.sha256,
        "created_at": attachment.created_at,
        "uploaded_by": (
            Author.PERSON.label
            if attachment.uploaded_by_person
            else users.label(attachment.uploaded_by_agent_id)
        ),
        "file": f"{FILES_DIR}/{safe_file_name(attachment)}",
        "file_in_archive": False,  # set once the file is written
    }


def _entry(entry) -> dict:
    return {
        "at": entry.at,
        "title": entry.title,
        "actor": entry.actor,
        "details": entry.details or None,
        "changes": [
            {"label": change.label, "before": change.before, "after": change.after}
            for change in entry.changes
        ],
    }


def collect(person: Person, *, jurisdiction) -> dict:
    """Everything the schema holds on ``person``, as plain data (the JSON's content)."""
    region = jurisdiction.phone_region
    rows = _read(person.pk)
    person = rows["person"]
    users = _users(_user_ids(rows))
    appointments = [_appointment(item, users) for item in rows["appointments"]]
    files = {item.pk: _attachment(item, users) for item in rows["attachments"]}
    agent_ids = [person.referent_id] + [item.assigned_agent_id for item in rows["appointments"]]
    agents = [users.label(pk) for pk in dict.fromkeys(agent_ids) if pk is not None]
    trail = sorted(
        history.person_audit_entries(person, region=region)
        + history.appointment_audit_entries(person, region=region),
        key=lambda entry: entry.sort_key,
    )
    return {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "jurisdiction": jurisdiction.name,
        "person": _person(person, users, region),
        "follow_up": {
            "referent": users.label(person.referent_id),
            "agents": agents,
            # Measures (sentences, obligations) are not recorded by the platform: only the case
            # numbers given with each appointment.
            "case_numbers": sorted(
                {item["case_numbers"] for item in appointments if item["case_numbers"]}
            ),
        },
        "appointments": appointments,
        "sms": [_sms(message) for message in rows["messages"]],
        "portal": {
            "messages": [
                _portal_message(message, users, files) for message in rows["portal_messages"]
            ],
            "sign_ins": [
                {"at": item.at, "method": item.method, "label": item.get_method_display()}
                for item in rows["sign_ins"]
            ],
            "invitations": [
                {
                    "created_at": item.created_at,
                    "expires_at": item.expires_at,
                    "sent_by": users.label(item.sent_by_id),
                }
                for item in rows["invitations"]
            ],
            "sign_in_codes": [
                {
                    "created_at": item.created_at,
                    "expires_at": item.expires_at,
                    "attempts": item.attempts,
                    "used_at": item.used_at,
                    "closed_at": item.closed_at,
                }
                for item in rows["codes"]
            ],
            "calendar_feeds": [
                {
                    "created_at": item.created_at,
                    "revoked_at": item.revoked_at,
                    "last_read_at": item.last_read_at,
                }
                for item in rows["feeds"]
            ],
        },
        "stop_links": [
            {"created_at": item.created_at, "used_at": item.used_at} for item in rows["stop_tokens"]
        ],
        "change_requests": [_change_request(item, users) for item in rows["requests"]],
        "attachments": list(files.values()),
        "access_log": {
            "page_views": [
                {"at": view.viewed_at, "agent": users.label(view.viewer_id)}
                for view in rows["views"]
            ],
            "portal_reads": [
                {
                    "at": read.at,
                    "agent": users.label(read.agent_id),
                    "kind": read.kind,
                    "kind_label": read.get_kind_display(),
                    "attachment": read.attachment_id,
                }
                for read in rows["reads"]
            ],
        },
        "audit_trail": [_entry(entry) for entry in trail],
        "_attachments": rows["attachments"],  # the rows, for the files (not in the JSON)
    }


# --- the archive ----------------------------------------------------------------------------
def _copy_files(archive: zipfile.ZipFile, data: dict) -> None:
    by_id = {item["id"]: item for item in data["attachments"]}
    for attachment in data["_attachments"]:
        if not attachment.file:
            continue
        try:
            with (
                attachment.file.open("rb") as source,
                archive.open(by_id[attachment.pk]["file"], "w") as target,
            ):
                while chunk := source.read(64 * 1024):
                    target.write(chunk)
        except OSError:  # gone from the disk (a purge, a restore): listed, not included
            continue
        by_id[attachment.pk]["file_in_archive"] = True


def build_archive(person: Person, *, jurisdiction):
    """The ZIP of ``person``'s data, as a file object positioned at its start."""
    data = collect(person, jurisdiction=jurisdiction)
    # Returned open: the response closes it once sent.
    spooled = SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _copy_files(archive, data)
        data.pop("_attachments")
        archive.writestr(JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2, default=_iso))
        archive.writestr(
            HTML_NAME,
            render_to_string(
                "casefile/export/synthese.html",
                {"data": data, "region": jurisdiction.phone_region, "files_dir": FILES_DIR},
            ),
        )
    spooled.seek(0)
    return spooled
