"""The history of a person, read back: the timeline of the person page and the audit trail.

Sources:
- ``AppointmentEvent``: what happened to the person's appointments, with the acting agent;
- ``PersonAudit`` and ``AppointmentAudit`` (pghistory snapshots written by database triggers),
  whose context carries the id of the signed-in user; the changes are computed here by comparing
  each snapshot with the previous one of the same object;
- ``PersonView``: who opened the person's page;
- ``portal.ChangeRequest``: the person's change requests from the portal, and their outcome;
- ``person_index.Lookup``: the national look-ups (issue 19) that found this person elsewhere, or
  found another jurisdiction following them.

Every function runs a fixed number of queries, whatever the length of the history.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from jurisdiction_apps.core.history import UNKNOWN_ACTOR, Change, HistoryEntry, user_label
from jurisdiction_apps.core.phones import display_phone
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.constants import DATA_EXPORTED, PERSON_FIELDS
from jurisdiction_apps.people.models import Person, PersonAudit
from jurisdiction_apps.portal.models import ChangeRequest
from jurisdiction_apps.scheduling.models import Appointment, AppointmentAudit, AppointmentEvent
from shared.person_index.models import Lookup

SYSTEM_ACTOR = "Traitement automatique"
STOP_LINK_ACTOR = "La personne (lien STOP d'un SMS)"
PERSON_CHANGED = "Fiche modifiée"
DATA_EXPORTED_TITLE = "Données exportées (droit d'accès)"
PORTAL_ACTOR = "La personne (son espace personnel)"
REQUEST_TITLE = "Demande de changement : {kind}"
REQUEST_OUTCOMES = {
    "excused": "Demande de changement traitée : excusée",
    "rescheduled": "Demande de changement traitée : déplacée",
    "refused": "Demande de changement traitée : refusée",
}

# Snapshot fields shown in the audit trail, in display order (derived and technical ones left out).
PERSON_AUDITED_FIELDS = (*PERSON_FIELDS, "archived_at")
APPOINTMENT_AUDITED_FIELDS = (
    "appointment_type",
    "starts_at",
    "duration_minutes",
    "place",
    "state",
    "notify_mode",
    "case_numbers",
    "assigned_agent",
    "booked_by",
)
USER_FIELDS = frozenset({"referent", "assigned_agent", "booked_by"})


_CREATED = object()  # the "before" of a value set at creation


def _users_by_id(ids: Iterable) -> dict:
    ids = {int(pk) for pk in ids if pk not in (None, "")}
    if not ids:
        return {}
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)}


def _context_user_id(event):
    context = event.pgh_context
    if context is None:
        return None
    user_id = (context.metadata or {}).get("user")
    try:
        return int(user_id) if user_id is not None else None
    except (TypeError, ValueError):
        return None


def _actor(event, users: dict) -> str:
    user_id = _context_user_id(event)
    if user_id is None:
        metadata = (event.pgh_context.metadata or {}) if event.pgh_context else {}
        return STOP_LINK_ACTOR if metadata.get("stop_link") else SYSTEM_ACTOR
    return user_label(users.get(user_id)) if user_id in users else UNKNOWN_ACTOR


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y à H\\hi")


def _snapshot_diffs(events, fields: tuple[str, ...]):
    """Yield (event, [(field, before, after)]) comparing each snapshot with the previous one.

    ``events`` must be ordered by pgh_id. An insert lists its non-empty values; a delete lists
    nothing; an update lists the fields whose value differs.
    """
    previous: dict = {}
    for event in events:
        values = {name: getattr(event, event._meta.get_field(name).attname) for name in fields}
        before = previous.get(event.pgh_obj_id)
        if event.pgh_label == "insert" or before is None:
            changed = [
                (name, _CREATED, value)
                for name, value in values.items()
                if value not in (None, "", False)
            ]
        elif event.pgh_label == "delete":
            changed = []
        else:
            changed = [
                (name, before[name], value)
                for name, value in values.items()
                if before[name] != value
            ]
        previous[event.pgh_obj_id] = values
        yield event, changed


class _Formatter:
    """Turns raw snapshot values into French text (names of users, places and types resolved)."""

    def __init__(self, model, *, users: dict, region: str, names: dict | None = None):
        self.model = model
        self.users = users
        self.region = region
        self.names = names or {}

    def label(self, name: str) -> str:
        return str(self.model._meta.get_field(name).verbose_name)

    def value(self, name: str, value) -> str:
        if value in (None, ""):
            return "—"
        model_field = self.model._meta.get_field(name)
        if name in USER_FIELDS:
            return user_label(self.users.get(value)) if value in self.users else UNKNOWN_ACTOR
        if name in self.names:
            return self.names[name].get(value, f"n° {value}")
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, datetime):
            return _local(value)
        if isinstance(value, date):
            return date_format(value, "d/m/Y")
        if name == "phone":
            return display_phone(value, self.region)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return str(value)

    def changes(self, changed) -> list[Change]:
        return [
            Change(
                self.label(name),
                None if before is _CREATED else self.value(name, before),
                self.value(name, after),
            )
            for name, before, after in changed
        ]


def _person_title(label: str, changed) -> str:
    if label == "insert":
        return "Fiche créée"
    if label == "delete":
        return "Fiche supprimée"
    names = {name for name, _, _ in changed}
    if names == {"archived_at"}:
        after = changed[0][2]
        return "Fiche archivée" if after else "Fiche désarchivée"
    return PERSON_CHANGED


def _appointment_title(label: str) -> str:
    return {
        "insert": "Convocation enregistrée",
        "update": "Convocation modifiée",
        "delete": "Convocation supprimée",
    }.get(label, "Convocation modifiée")


def _export_entry(event, users: dict) -> HistoryEntry:
    """An export of the person's data (right of access), with its reason."""
    metadata = (event.pgh_context.metadata or {}) if event.pgh_context else {}
    reason = str(metadata.get("reason") or "")
    return HistoryEntry(
        at=event.pgh_created_at,
        title=DATA_EXPORTED_TITLE,
        actor=_actor(event, users),
        category="person",
        details=f"Motif : {reason}" if reason else "",
        sort_key=(event.pgh_created_at, 0, event.pgh_id),
    )


def person_audit_entries(person: Person, *, region: str, users: dict | None = None):
    """The person's own snapshots as entries with their changes (2 queries)."""
    events = list(
        PersonAudit.objects.filter(pgh_obj_id=person.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    diffs = list(_snapshot_diffs(events, PERSON_AUDITED_FIELDS))
    if users is None:
        users = _users_by_id(
            [_context_user_id(event) for event in events] + [event.referent_id for event in events]
        )
    formatter = _Formatter(Person, users=users, region=region)
    entries = []
    for event, changed in diffs:
        if event.pgh_label == DATA_EXPORTED:
            entries.append(_export_entry(event, users))
            continue
        if event.pgh_label == "update" and not changed:
            continue  # only derived fields changed
        title = _person_title(event.pgh_label, changed)
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                title=title,
                actor=_actor(event, users),
                category="person",
                changes=formatter.changes(changed),
                sort_key=(event.pgh_created_at, 0, event.pgh_id),
                lists_fields=title == PERSON_CHANGED,
            )
        )
    return entries


def appointment_audit_entries(person: Person, *, region: str):
    """Snapshots of the person's appointments with their changes (5 queries at most)."""
    appointment_model = Appointment
    audit_model = AppointmentAudit
    type_model = AppointmentType
    place_model = Place
    events = list(
        audit_model.objects.filter(person_id=person.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    diffs = list(_snapshot_diffs(events, APPOINTMENT_AUDITED_FIELDS))
    type_ids = {event.appointment_type_id for event in events}
    place_ids = {event.place_id for event in events}
    names = {
        "appointment_type": dict(
            type_model.objects.filter(pk__in=type_ids).values_list("pk", "label")
        )
        if type_ids
        else {},
        "place": dict(place_model.objects.filter(pk__in=place_ids).values_list("pk", "name"))
        if place_ids
        else {},
    }
    users = _users_by_id(
        [_context_user_id(event) for event in events]
        + [event.assigned_agent_id for event in events]
        + [event.booked_by_id for event in events]
    )
    formatter = _Formatter(appointment_model, users=users, region=region, names=names)
    entries = []
    for event, changed in diffs:
        if event.pgh_label == "update" and not changed:
            continue
        type_label = names["appointment_type"].get(event.appointment_type_id, "")
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                title=_appointment_title(event.pgh_label),
                actor=_actor(event, users),
                category="appointment",
                details=f"{type_label} du {_local(event.starts_at)}",
                changes=formatter.changes(changed),
                sort_key=(event.pgh_created_at, 1, event.pgh_id),
            )
        )
    return entries


def appointment_event_entries(person: Person, limit: int | None = None):
    """What happened to the person's appointments, with the acting agent (1 query); with
    ``limit``, only the most recent ones are read."""
    events = person.appointment_events.select_related(
        "appointment__appointment_type", "appointment__place", "actor"
    ).order_by("-at", "-pk")
    if limit is not None:
        events = events[:limit]
    entries = []
    for event in events:
        appointment = event.appointment
        details = f"{appointment.appointment_type.label} du {_local(appointment.starts_at)}"
        details += f" — {appointment.place.name}"
        reason = (event.details or {}).get("reason")
        if reason:
            details += f" — motif : {reason}"
        entries.append(
            HistoryEntry(
                at=event.at,
                title=event.get_kind_display(),
                actor=user_label(event.actor) if event.actor_id else SYSTEM_ACTOR,
                category="appointment",
                details=details,
                sort_key=(event.at, 1, event.pk),
            )
        )
    return entries


def _lowered(label: str) -> str:
    return label[:1].lower() + label[1:]


def change_request_entries(person: Person, limit: int | None = None):
    """The person's change requests and their outcome, with the agent who handled them
    (1 query); with ``limit``, only the most recent requests are read."""
    requests = (
        ChangeRequest.objects.filter(person_id=person.pk)
        .select_related(
            "appointment__appointment_type", "appointment__place", "handled_by", "new_appointment"
        )
        .order_by("-created_at", "-pk")
    )
    if limit is not None:
        requests = requests[:limit]
    entries = []
    for change_request in requests:
        appointment = change_request.appointment
        about = f"{appointment.appointment_type.label} du {_local(appointment.starts_at)}"
        about += f" — {appointment.place.name}"
        entries.append(
            HistoryEntry(
                at=change_request.created_at,
                title=REQUEST_TITLE.format(kind=_lowered(change_request.get_kind_display())),
                actor=PORTAL_ACTOR,
                category="request",
                details=f"{about} — raison : {change_request.reason}",
                sort_key=(change_request.created_at, 2, change_request.pk),
            )
        )
        outcome = REQUEST_OUTCOMES.get(change_request.state)
        if outcome and change_request.handled_at:
            details = about
            if change_request.new_appointment_id:
                new = change_request.new_appointment
                details += f" — nouveau rendez-vous du {_local(new.starts_at)}"
            if change_request.answer:
                details += f" — réponse : {change_request.answer}"
            entries.append(
                HistoryEntry(
                    at=change_request.handled_at,
                    title=outcome,
                    actor=user_label(change_request.handled_by),
                    category="request",
                    details=details,
                    sort_key=(change_request.handled_at, 3, change_request.pk),
                )
            )
    return entries


def _counts(person: Person) -> tuple[int, int]:
    """How many appointment events and change-request entries (asked + handled) the person
    has, in one query."""

    def counted(queryset, **filters):
        rows = (
            queryset.filter(person_id=OuterRef("pk"), **filters)
            .order_by()
            .values("person_id")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    events = AppointmentEvent.objects
    requests = ChangeRequest.objects
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            event_total=counted(events),
            asked_total=counted(requests),
            handled_total=counted(requests, handled_at__isnull=False),
        )
        .values("event_total", "asked_total", "handled_total")
        .get()
    )
    return row["event_total"], row["asked_total"] + row["handled_total"]


def timeline(person: Person, *, region: str, limit: int | None = None) -> tuple[list, int]:
    """The person page's history, most recent first, and how many entries it has in all.

    With ``limit``, only that many entries are built (a long follow-up reads its recent part:
    4 queries whatever its length, 5 when the person made change requests)."""
    if limit is None:
        entries = (
            appointment_event_entries(person)
            + person_audit_entries(person, region=region)
            + change_request_entries(person)
        )
        entries.sort(key=lambda entry: entry.sort_key, reverse=True)
        return entries, len(entries)
    event_count, request_count = _counts(person)
    entries = appointment_event_entries(person, limit) + person_audit_entries(person, region=region)
    if request_count:
        entries += change_request_entries(person, limit)
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    person_entries = sum(1 for entry in entries if entry.category == "person")
    total = event_count + person_entries + request_count
    return entries[:limit], total


def audit_trail(person: Person, *, region: str) -> dict:
    """The audit page's changes of the person and of their appointments, most recent first."""
    return {
        "person_entries": sorted(
            person_audit_entries(person, region=region),
            key=lambda entry: entry.sort_key,
            reverse=True,
        ),
        "appointment_entries": sorted(
            appointment_audit_entries(person, region=region),
            key=lambda entry: entry.sort_key,
            reverse=True,
        ),
    }


LOOKUP_FOUND = "{other} a enregistré ou importé une personne correspondant à ce dossier"
LOOKUP_ASKED = "Recherche nationale : suivi(e) aussi par {other}"


def national_lookup_entries(person: Person, *, jurisdiction) -> list[HistoryEntry]:
    """The national look-ups concerning the person, most recent first (1 query).

    Found side (another jurisdiction registered or imported someone matching this file): only
    that jurisdiction's name, never its agent's. Asking side (this jurisdiction's registration
    found the person followed elsewhere): the other jurisdiction and this side's agent."""
    lookups = (
        Lookup.objects.filter(
            Q(asking_id=jurisdiction.pk, asking_person_id=person.pk)
            | Q(found_id=jurisdiction.pk, found_person_id=person.pk)
        )
        .select_related("asking", "found", "agent")
        .order_by("-at", "-pk")
    )
    entries = []
    for lookup in lookups:
        if lookup.found_id == jurisdiction.pk and lookup.found_person_id == person.pk:
            other = lookup.asking.display_name
            title, actor = LOOKUP_FOUND.format(other=other), other
        else:
            title = LOOKUP_ASKED.format(other=lookup.found.display_name)
            actor = user_label(lookup.agent) if lookup.agent_id else SYSTEM_ACTOR
        entries.append(
            HistoryEntry(
                at=lookup.at,
                title=title,
                actor=actor,
                category="lookup",
                sort_key=(lookup.at, 4, lookup.pk),
            )
        )
    return entries


def views_log(person: Person):
    """Who opened the person's page, most recent first (a queryset, for pagination)."""
    return person.views.select_related("viewer").order_by("-viewed_at", "-pk")
