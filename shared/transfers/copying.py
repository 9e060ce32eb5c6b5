"""Copying a person's history from one jurisdiction's schema to another's, in the caller's
transaction (issue 19, ADR 0023).

Both schemas live in the same database: each table is copied by one ``INSERT … SELECT`` from the
source schema into the target schema. New ids are drawn first from the target's sequence into a
temporary map (old id → new id), so that every foreign key of the copied rows is rewritten by a
join on the maps, and times (``created_at``, an event's ``at``) are kept as they were, which the
ORM's ``auto_now_add`` would not do. A person with 200 appointments, 400 SMS and a portal thread
is a dozen statements (``make bench-transfers``).

What is copied: appointments that are not future planned ones (those are cancelled at the source),
their events, the SMS in a final state (a queued SMS is never copied: it would be sent twice),
their delivery attempts, the portal thread with its files (copied on the storage: the source's are
erased with the source record) and the change requests of copied appointments. Places and
appointment types of the copied appointments are mapped to the target's: the type of the same
national code, and for each source place an archived place at the target named after it and its
jurisdiction (the history shows where it happened; nobody books there).

Not copied: sign-in codes, invitations, portal sign-ins, calendar feeds, STOP tokens (they belong
to the source's host and end with it), page views and read marks (the source's access logs).
"""

from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from jurisdiction_apps.notifications.constants import MessageState
from jurisdiction_apps.notifications.models import Attempt, Message
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.portal.models import Attachment, ChangeRequest, PortalMessage
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent, CurrentTransactionId

# SMS whose state will not change any more: safe to copy (never sent again).
COPIED_SMS_STATES = (
    MessageState.SENT,
    MessageState.DELIVERED,
    MessageState.FAILED,
    MessageState.CANCELLED,
    MessageState.NOT_SENDABLE,
)


@dataclass
class Copied:
    """Counts of what one transfer copied, and the files it wrote (removed on rollback)."""

    counts: dict = field(default_factory=dict)
    files: list = field(default_factory=list)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(schema: str, model) -> str:
    return f"{_q(schema)}.{_q(model._meta.db_table)}"


def _map_name(model) -> str:
    return f"transfer_map_{model._meta.db_table}"


class SchemaCopier:
    """Copies rows of one person from ``source`` to ``target`` (schema names), with maps."""

    def __init__(self, cursor, source: str, target: str, *, person_id: int, target_person_id: int):
        self.cursor = cursor
        self.source = source
        self.target = target
        self.person_id = person_id
        self.target_person_id = target_person_id
        self.maps: set = set()
        self.counts: dict = {}

    def run(self, sql: str, params=()):
        self.cursor.execute(sql, params)

    def make_map(self, model, where: str, params=()) -> int:
        """Draw target ids for the source rows of ``model`` matching ``where`` (alias ``t``)."""
        name = _map_name(model)
        sequence = f"{self.target}.{model._meta.db_table}"
        self.run(f"DROP TABLE IF EXISTS {_q(name)}")
        self.run(
            f"CREATE TEMP TABLE {_q(name)} ON COMMIT DROP AS "
            f"SELECT t.id AS old_id, nextval(pg_get_serial_sequence(%s, 'id')) AS new_id "
            f"FROM {_table(self.source, model)} t WHERE {where}",
            (sequence, *params),
        )
        self.run(f"CREATE UNIQUE INDEX ON {_q(name)} (old_id)")
        self.maps.add(model)
        self.run(f"SELECT count(*) FROM {_q(name)}")
        return self.cursor.fetchone()[0]

    def map_values(self, model, pairs) -> None:
        """A map given in Python (places and types: looked up or created by the ORM)."""
        name = _map_name(model)
        self.run(f"DROP TABLE IF EXISTS {_q(name)}")
        self.run(
            f"CREATE TEMP TABLE {_q(name)} ON COMMIT DROP "
            "AS SELECT NULL::bigint AS old_id, NULL::bigint AS new_id WITH NO DATA"
        )
        if pairs:
            values = ", ".join(["(%s, %s)"] * len(pairs))
            self.run(
                f"INSERT INTO {_q(name)} VALUES {values}",
                [value for pair in pairs for value in pair],
            )
        self.run(f"CREATE UNIQUE INDEX ON {_q(name)} (old_id)")
        self.maps.add(model)

    def copy(self, model, *, remap: dict, constants: dict | None = None) -> int:
        """Insert the mapped rows of ``model``: ``remap`` names the foreign-key columns rewritten
        through another model's map (``None``: set to NULL); ``constants`` sets columns."""
        constants = constants or {}
        columns, expressions, params = [], [], []
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field.db_default, CurrentTransactionId):
                continue  # the copying transaction's id: the target's changes feed serves it
            column = model_field.column
            columns.append(_q(column))
            if model_field.primary_key:
                expressions.append("m.new_id")
            elif column in constants:
                expressions.append("%s")
                params.append(constants[column])
            elif column in remap:
                other = remap[column]
                if other is None:
                    expressions.append("NULL")
                else:
                    expressions.append(
                        f"(SELECT new_id FROM {_q(_map_name(other))} WHERE old_id = t.{_q(column)})"
                    )
            else:
                expressions.append(f"t.{_q(column)}")
        self.run(
            f"INSERT INTO {_table(self.target, model)} ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM {_table(self.source, model)} t "
            f"JOIN {_q(_map_name(model))} m ON m.old_id = t.id",
            params,
        )
        count = self.cursor.rowcount
        self.counts[model._meta.model_name] = count
        return count

    def new_ids(self, model) -> dict:
        self.run(f"SELECT old_id, new_id FROM {_q(_map_name(model))}")
        return dict(self.cursor.fetchall())


def target_places(source_places: list[Place], source_name: str) -> list[tuple[int, int]]:
    """(source place id, target place id): an archived place at the target for each, found again
    by name when an earlier transfer from the same jurisdiction made it. Runs in the target."""
    pairs = []
    now = timezone.now()
    for place in source_places:
        name = f"{place.name} ({source_name})"[:200]
        existing = Place.objects.filter(name=name, archived_at__isnull=False).first()
        if existing is None:
            existing = Place.objects.create(
                kind=place.kind,
                name=name,
                address=place.address,
                postcode=place.postcode,
                city=place.city,
                phone=place.phone,
                email=place.email,
                archived_at=now,
            )
        pairs.append((place.pk, existing.pk))
    return pairs


def target_types(source_types: list[AppointmentType]) -> list[tuple[int, int]]:
    """(source type id, target type id): the type of the same national code; a type only the
    source has is copied, inactive (nobody books it at the target). Runs in the target."""
    pairs = []
    for kind in source_types:
        existing = AppointmentType.objects.filter(code=kind.code).first()
        if existing is None:
            existing = AppointmentType.objects.create(
                code=kind.code,
                label=kind.label,
                plain_label=kind.plain_label,
                service_kind=kind.service_kind,
                booking_mode=kind.booking_mode,
                is_active=False,
            )
        pairs.append((kind.pk, existing.pk))
    return pairs


def history_condition(now) -> tuple[str, tuple]:
    """The source appointments copied: all but the future planned ones."""
    return (
        "t.person_id = %s AND NOT (t.state = %s AND t.starts_at >= %s)",
        (AppointmentState.BOOKED, now),
    )


def copy_history(copier: SchemaCopier, *, now, place_pairs, type_pairs, copy_file) -> Copied:
    """Copy the person's history with ``copier`` (places and types already mapped by the caller
    in the target). ``copy_file(name) -> new_name`` copies one stored file."""
    person = copier.person_id
    copier.map_values(Place, place_pairs)
    copier.map_values(AppointmentType, type_pairs)
    where, params = history_condition(now)
    copier.make_map(Appointment, where, (person, *params))
    copied_appointments = f"t.appointment_id IN (SELECT old_id FROM {_q(_map_name(Appointment))})"
    copier.make_map(AppointmentEvent, copied_appointments)
    copier.make_map(
        Message,
        "t.person_id = %s AND t.state = ANY(%s) "
        f"AND (t.appointment_id IS NULL OR {copied_appointments})",
        (person, [str(state) for state in COPIED_SMS_STATES]),
    )
    copier.make_map(Attempt, f"t.message_id IN (SELECT old_id FROM {_q(_map_name(Message))})")
    copier.make_map(Attachment, "t.person_id = %s", (person,))
    copier.make_map(ChangeRequest, f"t.person_id = %s AND {copied_appointments}", (person,))
    copier.make_map(PortalMessage, "t.person_id = %s", (person,))

    target_person = {"person_id": copier.target_person_id}
    copier.copy(
        Appointment,
        remap={
            "appointment_type_id": AppointmentType,
            "place_id": Place,
            "agenda_id": None,
            "slot_id": None,
            "replaces_id": Appointment,
        },
        constants=target_person,
    )
    copier.copy(AppointmentEvent, remap={"appointment_id": Appointment}, constants=target_person)
    copier.copy(
        Message,
        remap={"appointment_id": Appointment, "event_id": AppointmentEvent},
        constants=target_person,
    )
    copier.copy(Attempt, remap={"message_id": Message})
    copier.copy(Attachment, remap={}, constants=target_person)
    copier.copy(
        ChangeRequest,
        remap={
            "appointment_id": Appointment,
            "attachment_id": Attachment,
            "new_appointment_id": Appointment,
        },
        constants=target_person,
    )
    copier.copy(
        PortalMessage,
        remap={"attachment_id": Attachment, "change_request_id": ChangeRequest},
        constants=target_person,
    )
    # Files: the target's rows get their own copies (the source's go when it is erased).
    copied = Copied(counts=dict(copier.counts))
    attachments = copier.new_ids(Attachment)
    if attachments:
        copier.run(
            f"SELECT id, file FROM {_table(copier.source, Attachment)} WHERE id = ANY(%s)",
            (list(attachments),),
        )
        for old_id, name in copier.cursor.fetchall():
            if not name:
                continue
            new_name = copy_file(name)
            copied.files.append(new_name)
            copier.run(
                f"UPDATE {_table(copier.target, Attachment)} SET file = %s WHERE id = %s",
                (new_name, attachments[old_id]),
            )
    return copied
