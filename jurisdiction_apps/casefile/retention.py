"""The retention job of one jurisdiction (issue 18, docs/data-protection.md).

``run()`` applies the national table (``shared.retention``) in the current schema:

1. people without activity for the archive rule's duration are archived;
2. people archived for the erase rule's duration, with no activity since, are erased with
   everything of theirs, ``ERASE_BATCH`` people per transaction (a person is never half-erased:
   a kill rolls back the batch, the next run takes it again);
3. each app's own purges (SMS texts, codes, tokens, logs, audit events, orphan files), then the
   purges registered by the apps above (imports).

A person on legal hold is neither archived nor erased. Every batch is a short transaction that
takes only rows no one else holds (``SKIP LOCKED``): agents booking and the SMS sweep never wait.
Runs are idempotent (a second run finds nothing due) and one at a time per jurisdiction (an
advisory lock). Logs carry counts only.
"""

import logging
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pgtrigger
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from jurisdiction_apps.core import retention as core_retention
from jurisdiction_apps.notifications import retention as sms_retention
from jurisdiction_apps.notifications.models import Attempt, Message, StopToken
from jurisdiction_apps.organisation import retention as organisation_retention
from jurisdiction_apps.people import retention as people_retention
from jurisdiction_apps.people.models import Person, PersonAudit, PersonView
from jurisdiction_apps.portal import retention as portal_retention
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
from jurisdiction_apps.scheduling import retention as scheduling_retention
from jurisdiction_apps.scheduling.models import Appointment, AppointmentAudit, AppointmentEvent
from shared.person_index.lookup import forget_lookups
from shared.retention import registry
from shared.retention import services as runs
from shared.retention.batches import Clock, chunks, due_ids, lock_still_due, update_in_batches
from shared.retention.constants import Category
from shared.retention.registry import Identifiers

from .models import Erasure

logger = logging.getLogger(__name__)

# People per erasure transaction: each brings its appointments, SMS, messages... (about 30 rows
# for a typical follow-up); 50 people keep a batch well under a second.
ERASE_BATCH = 50

# The audit triggers are not fired by an erasure: the events they would write (a snapshot of
# the person being erased) would have to be erased in turn.
ERASURE_SILENT_TRIGGERS = ("people.Person:delete_delete", "scheduling.Appointment:delete_delete")


# --- who is due ----------------------------------------------------------------------------
def activity_since(cutoff) -> Q:
    """People with an appointment, a change request, a portal message or a new follow-up at or
    after ``cutoff`` (a future appointment is activity)."""
    return (
        Q(created_at__gte=cutoff)
        | Q(follow_up_since__gte=cutoff)
        | Exists(
            Appointment.objects.filter(person=OuterRef("pk")).filter(
                Q(starts_at__gte=cutoff) | Q(created_at__gte=cutoff)
            )
        )
        | Exists(ChangeRequest.objects.filter(person=OuterRef("pk"), created_at__gte=cutoff))
        | Exists(PortalMessage.objects.filter(person=OuterRef("pk"), created_at__gte=cutoff))
    )


def activity_after_archiving() -> Q:
    archived_at = OuterRef("archived_at")
    return (
        Q(follow_up_since__gt=F("archived_at"))
        | Exists(
            Appointment.objects.filter(person=OuterRef("pk")).filter(
                Q(starts_at__gt=archived_at) | Q(created_at__gt=archived_at)
            )
        )
        | Exists(ChangeRequest.objects.filter(person=OuterRef("pk"), created_at__gt=archived_at))
        | Exists(PortalMessage.objects.filter(person=OuterRef("pk"), created_at__gt=archived_at))
    )


def archivable(now: datetime, rules):
    cutoff = rules[Category.PEOPLE_ARCHIVE].cutoff(now)
    return Person.objects.active().not_held().filter(~activity_since(cutoff))


def erasable(now: datetime, rules):
    cutoff = rules[Category.PEOPLE_ERASE].cutoff(now)
    return (
        Person.objects.archived()
        .not_held()
        .filter(archived_at__lt=cutoff)
        .filter(~activity_after_archiving())
    )


# --- erasure -------------------------------------------------------------------------------
def identifiers_of(person: Person) -> Identifiers:
    return Identifiers(
        person_id=person.pk,
        last_name=person.last_name,
        first_names=person.first_names,
        birth_date=person.birth_date,
        phone=person.phone,
        appi_number=person.appi_number,
    )


def _erase_locked(ids: list[int]) -> int:
    """Erase these people (their rows already locked by the caller's transaction) and every row
    of theirs, in this transaction. Files go after the commit."""
    people = list(Person.objects.filter(pk__in=ids))
    if not people:
        return 0
    ids = [person.pk for person in people]
    files = [
        name
        for name in Attachment.objects.filter(person_id__in=ids).values_list("file", flat=True)
        if name
    ]
    appointment_ids = list(
        Appointment.objects.filter(person_id__in=ids).values_list("pk", flat=True)
    )
    db = connection.alias
    by_person = {"person_id__in": ids}
    # Leaves first; foreign keys are checked at commit (deferred), so the order is for clarity.
    plan = [
        (TeamRead, by_person),
        (PersonView, by_person),
        (SignInCode, by_person),
        (Invitation, by_person),
        (SignIn, by_person),
        (CalendarFeed, by_person),
        (StopToken, by_person),
        (PortalMessage, by_person),
        (ChangeRequest, by_person),
        (Attachment, by_person),
        (Attempt, {"message__person_id__in": ids}),
        (Message, by_person),
        (AppointmentEvent, by_person),
        (AppointmentAudit, {"pgh_obj_id__in": appointment_ids}),
        (AppointmentAudit, by_person),
        (Appointment, by_person),
        (PersonAudit, {"pgh_obj_id__in": ids}),
        (Person, {"pk__in": ids}),
    ]
    with pgtrigger.ignore(*ERASURE_SILENT_TRIGGERS):
        for model, lookup in plan:
            model._base_manager.filter(**lookup)._raw_delete(db)
    # The trigger on people_person removed their national index entries; the look-ups of the
    # national index that name them (here or elsewhere) go too.
    forget_lookups(ids)
    for hook in registry.erasure_hooks():
        hook([identifiers_of(person) for person in people])
    if files:
        transaction.on_commit(lambda: portal_retention.delete_files(files))
    return len(ids)


def erase_due(rule_map, now, *, dry_run, clock, progress) -> int:
    """Erase the people due, ``ERASE_BATCH`` per transaction; ``progress(n)`` after each commit
    (the run's summary is right even when the run is killed later).

    Who is due is read once; each batch locks its people by primary key and checks again that
    they are still due (a hold set or an appointment booked meanwhile spares them)."""
    due = erasable(now, rule_map)
    if dry_run:
        count = due.count()
        progress(count)
        return count
    total = 0
    for chunk in chunks(due_ids(due), ERASE_BATCH):
        with clock.atomic():
            ids = lock_still_due(due, chunk)
            erased = _erase_locked(ids) if ids else 0
        total += erased
        if erased:
            progress(erased)
    return total


def archive_due(rule_map, now, *, dry_run, clock, progress) -> int:
    count = update_in_batches(
        archivable(now, rule_map), {"archived_at": now}, clock=clock, dry_run=dry_run
    )
    progress(count)
    return count


class ErasureRefused(ValueError):
    """An erasure on request refused, with the French sentence to show."""


def erase_now(person: Person, *, reason: str, detail: str, acting_user) -> Erasure:
    """Erase one person at once (the law requires it), leaving only a record without identity."""
    detail = " ".join((detail or "").split())
    lowered = detail.casefold()
    for value in (person.last_name, person.appi_number, person.phone):
        if value and value.casefold() in lowered:
            raise ErasureRefused(
                "La précision ne doit contenir ni le nom, ni le numéro APPI, ni le téléphone de "
                "la personne : elle reste après l'effacement."
            )
    with transaction.atomic():
        locked = Person.objects.select_for_update().filter(pk=person.pk).first()
        if locked is None:
            raise ErasureRefused("Cette personne a déjà été effacée.")
        if locked.held_at is not None:
            raise ErasureRefused(
                "La conservation de cette personne est gelée : levez d'abord le gel, en "
                "connaissance de cause."
            )
        record = Erasure.objects.create(
            person_number=locked.pk, reason=reason, detail=detail, erased_by=acting_user
        )
        _erase_locked([locked.pk])
        runs.record_erasure_on_request(connection.tenant)
    logger.info("retention: one person erased on request")
    return record


# --- the run -------------------------------------------------------------------------------
@dataclass
class Step:
    category: str
    apply: object  # (rule_map, now, *, dry_run, clock, progress) -> int; progress(n) as it goes


def _single(category: str, fn):
    """A purge that reads one rule: fn(rule, now, *, dry_run, clock) -> count."""

    def apply(rule_map, now, *, dry_run, clock, progress):
        count = fn(rule_map[category], now, dry_run=dry_run, clock=clock)
        progress(count)
        return count

    return Step(category, apply)


def steps() -> list[Step]:
    return [
        Step(Category.PEOPLE_ARCHIVE, archive_due),
        Step(Category.PEOPLE_ERASE, erase_due),
        _single(Category.SMS_TEXTS, sms_retention.redact_texts),
        _single(Category.PORTAL_CODES, portal_retention.purge_codes),
        _single(Category.PORTAL_SIGN_INS, portal_retention.purge_sign_ins),
        _single(Category.CHANGE_REQUESTS, portal_retention.redact_change_requests),
        _single(Category.TOKENS, sms_retention.purge_stop_tokens),
        _single(Category.TOKENS, portal_retention.purge_calendar_feeds),
        _single(Category.ACCESS_LOGS, people_retention.purge_views),
        _single(Category.ACCESS_LOGS, portal_retention.purge_reads),
        _single(Category.AUDIT_TRAIL, organisation_retention.purge_audit),
        _single(Category.AUDIT_TRAIL, scheduling_retention.purge_audit),
        _single(Category.AUDIT_TRAIL, core_retention.purge_orphan_contexts),
        _single(Category.ORPHAN_FILES, portal_retention.purge_orphan_files),
        *(_single(category, fn) for category, fn in registry.registered_purges()),
    ]


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=dict)
    run: object = None
    skipped: bool = False


def _lock_key() -> int:
    return zlib.crc32(f"retention:{connection.schema_name}".encode())


def run(*, dry_run: bool = False, now: datetime | None = None) -> Outcome:
    """Apply the retention table in the current jurisdiction; ``dry_run`` counts only.

    A dry run counts each category on its own: the rows of people due for erasure are also
    counted in the other categories (the real run erases them first)."""
    now = now or timezone.now()
    rule_map = runs.current_rules()
    clock = Clock()
    outcome = Outcome(counts={step.category: 0 for step in steps()})

    def counter(category):
        def progress(count):
            outcome.counts[category] += count
            if outcome.run is not None:
                runs.record_tally(outcome.run, category, count)

        return progress

    if dry_run:
        for step in steps():
            step.apply(rule_map, now, dry_run=True, clock=clock, progress=counter(step.category))
        return outcome
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key()])
        (locked,) = cursor.fetchone()
    if not locked:
        logger.info("retention %s: another run is under way", connection.schema_name)
        outcome.skipped = True
        return outcome
    try:
        outcome.run = runs.start_run(connection.tenant)
        error = None
        try:
            for step in steps():
                runs.record_tally(outcome.run, step.category, 0)
                step.apply(
                    rule_map, now, dry_run=False, clock=clock, progress=counter(step.category)
                )
        except BaseException as failure:  # recorded (a kill too), then raised
            error = failure
            raise
        finally:
            runs.finish_run(outcome.run, longest_ms=clock.longest_ms, error=error)
            logger.info(
                "retention %s: %s in %.1f s, longest transaction %d ms",
                connection.schema_name,
                ", ".join(f"{category} {count}" for category, count in outcome.counts.items()),
                outcome.run.seconds or 0,
                clock.longest_ms,
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key()])
    return outcome


# --- what the local admin's page shows -------------------------------------------------------
def with_last_activity(people):
    """Annotate ``last_activity``: the latest of the dates that count as activity."""

    def latest(queryset, field):
        return Subquery(queryset.order_by(f"-{field}").values(field)[:1])

    person = OuterRef("pk")
    return people.annotate(
        last_activity=Greatest(
            F("created_at"),
            Coalesce(F("follow_up_since"), F("created_at")),
            Coalesce(
                latest(Appointment.objects.filter(person=person), "starts_at"), F("created_at")
            ),
            Coalesce(
                latest(ChangeRequest.objects.filter(person=person), "created_at"), F("created_at")
            ),
            Coalesce(
                latest(PortalMessage.objects.filter(person=person), "created_at"), F("created_at")
            ),
        )
    )


UPCOMING_DAYS = 30
SHOWN = 100


@dataclass
class DueList:
    total: int
    rows: list  # (person, due date), the first SHOWN by date


def due_soon(now: datetime | None = None, days: int = UPCOMING_DAYS) -> tuple[DueList, DueList]:
    """People the job will archive, and people it will erase, within ``days`` (those due today
    included), each with the day it is due: so that an agent can set a hold in time."""
    now = now or timezone.now()
    rule_map = runs.current_rules()
    later = now + timedelta(days=days)
    archive_rule, erase_rule = rule_map[Category.PEOPLE_ARCHIVE], rule_map[Category.PEOPLE_ERASE]
    archiving = with_last_activity(archivable(later, rule_map)).order_by("last_activity", "pk")
    erasing = erasable(later, rule_map).order_by("archived_at", "pk")
    return (
        DueList(
            archiving.count(),
            [(p, max(p.last_activity + archive_rule.delta, now)) for p in archiving[:SHOWN]],
        ),
        DueList(
            erasing.count(),
            [(p, max(p.archived_at + erase_rule.delta, now)) for p in erasing[:SHOWN]],
        ),
    )


HOLD_REVIEW_AFTER = timedelta(days=365)


def holds_to_review(now: datetime | None = None):
    """Holds set more than a year ago: still justified? (reviewed by the local admin)."""
    now = now or timezone.now()
    return Person.objects.held().filter(held_at__lt=now - HOLD_REVIEW_AFTER).order_by("held_at")


def erasure_due(person: Person):
    """The day an archived person becomes due for erasure (None when not archived)."""
    if person.archived_at is None:
        return None
    return person.archived_at + runs.current_rules()[Category.PEOPLE_ERASE].delta
