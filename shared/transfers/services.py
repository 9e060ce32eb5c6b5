"""Transfers of a person's follow-up between jurisdictions (dessaisissement; issue 19, ADR 0023).

A request names the source (the jurisdiction following the person), the person's local id there,
the target, and who answers: the source when the target asked (``PULL``, the anchor's flow: the
new place of residence's service asks), the target when the source offered (``PUSH``). One open
request per person (a partial unique index). A request nobody answers is accepted on its due date
by the beat task ``platform.transfers_due`` (``Policy.auto_accept_days``, 10 by default), after
one reminder e-mail to the answering service.

Acceptance is one PostgreSQL transaction across both schemas (``accept``): the transfer row is
locked first (two agents accepting at once: one wins, the other reads the answer), then the
source person; the person and their history are copied to the target (``copying.py``) or merged
into the target's own record of the same person; future appointments at the source are cancelled
without an SMS (or with one SMS saying who follows the person now, when the source chose so); the
source record becomes read-only, archived and marked "transféré(e) vers …" (the retention rules
erase it in time); the index follows by its trigger. A crash anywhere leaves both schemas as
they were.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

import pghistory
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.models import Attachment, attachment_path
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment
from jurisdiction_apps.scheduling.services import change_state
from shared.person_index.keys import appi_key, identity_key
from tenants.constants import JurisdictionStatus
from tenants.models import Jurisdiction, Membership
from tenants.permissions import PERMISSIONS, Action, role_can

from . import copying
from .constants import COMMENT_MAX, REASON_MIN, Direction, State
from .models import Policy, Transfer

logger = logging.getLogger(__name__)


class TransferError(ValueError):
    """A transfer refused, with the French sentence to show; nothing was changed."""


# --- who may ---------------------------------------------------------------------------------
def _role_in(user, jurisdiction) -> str | None:
    membership = Membership.objects.for_host(user, jurisdiction).first()
    return membership.role if membership else None


def may_transfer(user, jurisdiction) -> bool:
    return role_can(_role_in(user, jurisdiction), Action.TRANSFER_PEOPLE)


def _check_role(user, jurisdiction) -> None:
    if not may_transfer(user, jurisdiction):
        raise TransferError(
            "Votre rôle ne permet pas de traiter les transferts : demandez à l'administrateur "
            "local, au JAP, au greffe SAP, au DPIP ou au secrétariat."
        )


# --- reading a person in another schema ------------------------------------------------------
def _person_in(jurisdiction, person_id, *, lock=False) -> Person | None:
    with tenant_context(jurisdiction):
        people = Person.objects.select_for_update(of=("self",)) if lock else Person.objects
        return people.filter(pk=person_id).first()


def _check_transferable(person: Person | None, source: Jurisdiction) -> Person:
    if person is None:
        raise TransferError(
            f"Cette personne n'est plus suivie par {source.display_name} : son dossier a été "
            "effacé."
        )
    if person.is_transferred:
        raise TransferError("Cette personne a déjà été transférée vers une autre juridiction.")
    if person.is_archived:
        raise TransferError(
            f"Le dossier de cette personne est archivé à {source.display_name} : il doit être "
            "repris en suivi avant un transfert."
        )
    return person


def _check_live(jurisdiction: Jurisdiction) -> None:
    if jurisdiction.status != JurisdictionStatus.LIVE:
        raise TransferError(
            f"{jurisdiction.display_name} n'est pas encore en service sur la plateforme : un "
            "transfert n'est possible qu'entre juridictions en service."
        )


# --- asking ----------------------------------------------------------------------------------
def request_transfer(
    *,
    direction: str,
    source: Jurisdiction,
    source_person_id: int,
    target: Jurisdiction,
    reason: str,
    acting_user,
    notify_person: bool = False,
    now=None,
) -> Transfer:
    """Record a request: ``PULL`` asked by the target, ``PUSH`` offered by the source."""
    now = now or timezone.now()
    asking = target if direction == Direction.PULL else source
    _check_role(acting_user, asking)
    if source.pk == target.pk:
        raise TransferError("Le transfert doit aller vers une autre juridiction.")
    _check_live(source)
    _check_live(target)
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise TransferError(
            "Écrivez le motif du transfert (au moins 10 caractères) : nouvelle résidence, "
            "décision du juge…"
        )
    _check_transferable(_person_in(source, source_person_id), source)
    policy = Policy.current()
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                direction=direction,
                source=source,
                source_person_id=source_person_id,
                target=target,
                reason=reason,
                notify_person=notify_person and direction == Direction.PUSH,
                asked_by=acting_user,
                asked_at=now,
                due_at=Transfer.due_after(now, policy),
            )
    except IntegrityError as error:
        raise TransferError(
            "Une demande de transfert est déjà en cours pour cette personne : attendez sa "
            "réponse ou annulez-la."
        ) from error
    logger.info("transfers: request %s recorded", transfer.pk)
    return transfer


def cancel(transfer_id: int, *, jurisdiction: Jurisdiction, acting_user) -> Transfer:
    """The asking side withdraws its pending request; nothing else changes."""
    _check_role(acting_user, jurisdiction)
    with transaction.atomic():
        transfer = _locked_pending(transfer_id)
        if transfer.asking_jurisdiction_id != jurisdiction.pk:
            raise TransferError("Seule la juridiction qui a fait la demande peut l'annuler.")
        transfer.state = State.CANCELLED
        transfer.answered_by = acting_user
        transfer.answered_at = timezone.now()
        transfer.save(update_fields=["state", "answered_by", "answered_at"])
    return transfer


def _locked_pending(transfer_id: int) -> Transfer:
    transfer = Transfer.objects.select_for_update().filter(pk=transfer_id).first()
    if transfer is None:
        raise TransferError("Cette demande de transfert n'existe pas.")
    if transfer.state != State.PENDING:
        raise TransferError(
            f"Cette demande a déjà reçu une réponse : {transfer.get_state_display().lower()}."
        )
    return transfer


# --- answering -------------------------------------------------------------------------------
def refuse(transfer_id: int, *, jurisdiction: Jurisdiction, comment: str, acting_user) -> Transfer:
    _check_role(acting_user, jurisdiction)
    comment = " ".join((comment or "").split())
    if not comment:
        raise TransferError("Expliquez le refus en quelques mots : la demande le montrera.")
    if len(comment) > COMMENT_MAX:
        raise TransferError(f"Le commentaire dépasse {COMMENT_MAX} caractères.")
    with transaction.atomic():
        transfer = _locked_pending(transfer_id)
        if transfer.answering_jurisdiction_id != jurisdiction.pk:
            raise TransferError("Cette demande attend la réponse de l'autre juridiction.")
        transfer.state = State.REFUSED
        transfer.comment = comment
        transfer.answered_by = acting_user
        transfer.answered_at = timezone.now()
        transfer.save(update_fields=["state", "comment", "answered_by", "answered_at"])
    return transfer


@dataclass
class Acceptance:
    transfer: Transfer
    target_person_id: int
    merged: bool
    counts: dict


def accept(
    transfer_id: int,
    *,
    jurisdiction: Jurisdiction | None,
    acting_user,
    comment: str = "",
    notify_person: bool | None = None,
    now=None,
) -> Acceptance:
    """Accept and carry out the transfer, all or nothing (see the module's docstring).

    ``jurisdiction``: the answering agent's; ``None`` for the automatic acceptance (then
    ``acting_user`` is None). ``notify_person``: the source agent's choice when answering a pull.
    """
    if jurisdiction is not None:
        _check_role(acting_user, jurisdiction)
    comment = " ".join((comment or "").split())
    if len(comment) > COMMENT_MAX:
        raise TransferError(f"Le commentaire dépasse {COMMENT_MAX} caractères.")
    now = now or timezone.now()
    files: list[str] = []
    try:
        with transaction.atomic():
            transfer = _locked_pending(transfer_id)
            if jurisdiction is not None and transfer.answering_jurisdiction_id != jurisdiction.pk:
                raise TransferError("Cette demande attend la réponse de l'autre juridiction.")
            source, target = transfer.source, transfer.target
            _check_live(source)
            _check_live(target)
            if notify_person is not None and transfer.direction == Direction.PULL:
                transfer.notify_person = notify_person
            person = _check_transferable(
                _person_in(source, transfer.source_person_id, lock=True), source
            )
            with pghistory.context(transfer=transfer.pk, user=getattr(acting_user, "pk", None)):
                target_person_id, merged, counts = _carry_out(
                    transfer, person, source, target, now=now, files=files
                )
            transfer.state = State.ACCEPTED
            transfer.answered_by = acting_user
            transfer.answered_at = now
            transfer.auto_accepted = jurisdiction is None
            transfer.comment = comment
            transfer.target_person_id = target_person_id
            transfer.merged = merged
            transfer.copied = counts
            transfer.save()
    except BaseException:
        _remove_files(files)  # the rows naming them were rolled back
        raise
    logger.info("transfers: request %s accepted (%s)", transfer.pk, "merged" if merged else "new")
    return Acceptance(transfer, target_person_id, merged, counts)


def _remove_files(files) -> None:
    for jurisdiction, name in files:
        try:
            with tenant_context(jurisdiction):
                Attachment.file.field.storage.delete(name)
        except OSError:  # pragma: no cover - the orphan-files purge takes it later
            logger.warning("transfers: a copied file could not be removed")


def _copy_file(name: str, source: Jurisdiction, target: Jurisdiction) -> str:
    """Copy one stored file from the source's private storage to the target's (each schema has
    its own folder)."""
    storage = Attachment.file.field.storage
    with tenant_context(source), storage.open(name) as handle:
        content = handle.read()
    with tenant_context(target):
        return storage.save(attachment_path(None, ""), ContentFile(content))


def _match_at_target(person: Person) -> Person | None:
    """The target's own record of the same person (runs in the target's schema): the same APPI
    number, else the same name and birth date without another APPI number. Two different
    records matching is refused (the target must first sort out its own duplicates)."""
    by_appi = (
        Person.objects.filter(index_appi_key=appi_key(person.appi_number)).first()
        if person.appi_number
        else None
    )
    by_identity = [
        candidate
        for candidate in Person.objects.filter(
            index_identity_key=identity_key(person.last_name, person.first_names, person.birth_date)
        )
        if not (candidate.appi_number and person.appi_number)
        or candidate.appi_number == person.appi_number
    ]
    candidates = {candidate.pk: candidate for candidate in [by_appi, *by_identity] if candidate}
    candidates = {pk: c for pk, c in candidates.items() if not c.is_transferred}
    if len(candidates) > 1:
        raise TransferError(
            "Deux dossiers de la juridiction d'arrivée correspondent à cette personne : "
            "regroupez-les d'abord, puis acceptez le transfert."
        )
    return next(iter(candidates.values()), None)


def _carry_out(transfer, person: Person, source, target, *, now, files) -> tuple[int, bool, dict]:
    # 1. The target: the person's record, new or merged (in the target's schema).
    with tenant_context(target):
        existing = _match_at_target(person)
        phone_owner = (
            Person.objects.filter(phone=person.phone)
            .exclude(pk=existing.pk if existing else None)
            .first()
            if person.phone
            else None
        )
        if phone_owner is not None:
            raise TransferError(
                f"Le téléphone de cette personne est celui d'une autre personne suivie par "
                f"{target.display_name} : corrigez l'un des deux numéros, puis acceptez le "
                "transfert."
            )
        if existing is not None:
            merged = True
            _merge_into(existing, person, source, now=now)
            target_person = existing
        else:
            merged = False
            target_person = Person(
                last_name=person.last_name,
                first_names=person.first_names,
                birth_date=person.birth_date,
                phone=person.phone,
                no_mobile_phone=person.no_mobile_phone,
                refuses_sms=person.refuses_sms,
                appi_number=person.appi_number,
                residence=person.residence,
                city=person.city,
                follow_up_since=now,
                origin_jurisdiction_id=source.pk,
                origin_person_id=person.pk,
            )
            target_person.save()
        source_places, source_types = _places_and_types_copied(source, person.pk, now)
        place_pairs = copying.target_places(source_places, source.display_name)
        type_pairs = copying.target_types(source_types)
    # 2. The history, table by table, from the source's schema into the target's. The search
    # path is the target's: its audit triggers write their own schema's tables.
    with tenant_context(target), connection.cursor() as cursor:
        copier = copying.SchemaCopier(
            cursor,
            source.schema_name,
            target.schema_name,
            person_id=person.pk,
            target_person_id=target_person.pk,
        )
        copied = copying.copy_history(
            copier,
            now=now,
            place_pairs=place_pairs,
            type_pairs=type_pairs,
            copy_file=lambda name: _remember(files, target, _copy_file(name, source, target)),
        )
    # 3. The source: future appointments cancelled, the record read-only and archived.
    with tenant_context(source):
        cancelled = _cancel_future(person, transfer, target, now=now)
        Person.objects.filter(pk=person.pk).update(
            transferred_at=now,
            transferred_to_id=target.pk,
            archived_at=person.archived_at or now,
        )
        if transfer.notify_person and cancelled is not None:
            _tell_person(person, target)
    counts = {**copied.counts, "future_cancelled": cancelled or 0, "files": len(copied.files)}
    return target_person.pk, merged, counts


def _remember(files: list, jurisdiction, name: str) -> str:
    files.append((jurisdiction, name))
    return name


def _places_and_types_copied(source, person_id, now) -> tuple[list, list]:
    """The source's places and types of the appointments the copy takes (all but the future
    planned ones: ``copying.history_condition``)."""
    with tenant_context(source):
        copied = Appointment.objects.filter(person_id=person_id).exclude(
            state=AppointmentState.BOOKED, starts_at__gte=now
        )
        places = list(Place.objects.filter(pk__in=copied.values("place_id")))
        types = list(AppointmentType.objects.filter(pk__in=copied.values("appointment_type_id")))
    return places, types


def _merge_into(existing: Person, person: Person, source, *, now) -> None:
    """Both histories kept: the target's record stays as the target wrote it; what it lacks
    (phone, APPI number) comes from the source; an archived record is taken back into follow-up."""
    changed = []
    if not existing.phone and person.phone:
        existing.phone, existing.no_mobile_phone = person.phone, False
        changed += ["phone", "no_mobile_phone"]
    if not existing.appi_number and person.appi_number:
        existing.appi_number = person.appi_number
        changed.append("appi_number")
    if existing.archived_at is not None:
        existing.archived_at = None
        existing.follow_up_since = now
        changed += ["archived_at", "follow_up_since"]
    if existing.origin_jurisdiction_id is None:
        existing.origin_jurisdiction_id = source.pk
        existing.origin_person_id = person.pk
        changed += ["origin_jurisdiction", "origin_person_id"]
    if changed:
        existing.save(update_fields=changed)


def _cancel_future(person: Person, transfer, target, *, now) -> int:
    future = list(
        Appointment.objects.filter(
            person_id=person.pk, state=AppointmentState.BOOKED, starts_at__gte=now
        ).values_list("pk", flat=True)
    )
    for appointment_id in future:
        change_state(
            appointment_id,
            EventKind.CANCELLED,
            acting_user=transfer.answered_by or transfer.asked_by,
            notify=False,
            reason=f"Suivi transféré vers {target.display_name}",
        )
    return len(future)


def _tell_person(person: Person, target) -> None:
    """One SMS: which service follows the person now and how to reach it (notifications)."""
    from jurisdiction_apps.notifications.transfer_notice import queue_transfer_notice

    queue_transfer_notice(person, service_name=target.display_name, contact=contact_of(target))


def contact_of(jurisdiction: Jurisdiction) -> str:
    """How to reach a jurisdiction's service, for agents and SMS (no personal data)."""
    return jurisdiction.service_contact or jurisdiction.display_name


# --- the beat task ---------------------------------------------------------------------------
def send_reminders(now=None) -> int:
    """One e-mail per pending request nearing its due date, to the answering service."""
    now = now or timezone.now()
    policy = Policy.current()
    soon = now + timedelta(days=policy.reminder_days_before)
    sent = 0
    for transfer in Transfer.objects.pending().filter(reminded_at__isnull=True, due_at__lte=soon):
        with transaction.atomic():
            locked = (
                Transfer.objects.select_for_update(skip_locked=True)
                .filter(pk=transfer.pk, state=State.PENDING, reminded_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            answering = Jurisdiction.objects.get(pk=locked.answering_jurisdiction_id)
            recipients = _answerers(answering)
            if recipients:
                send_mail(
                    "Demande de transfert en attente de réponse",
                    _reminder_text(locked, answering),
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def _answerers(jurisdiction) -> list[str]:
    """The e-mail addresses of the jurisdiction's agents who may answer a transfer."""
    emails = (
        Membership.objects.agents()
        .filter(jurisdiction=jurisdiction, role__in=PERMISSIONS[Action.TRANSFER_PEOPLE])
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _reminder_text(transfer, answering) -> str:
    local = timezone.localtime(transfer.due_at, answering.zone)
    other = transfer.target if answering.pk == transfer.source_id else transfer.source
    return (
        f"Bonjour,\n\nUne demande de transfert d'une personne suivie, venue de "
        f"{other.display_name}, attend la réponse de {answering.display_name}.\n"
        f"Sans réponse, elle sera acceptée d'office le {local:%d/%m/%Y à %H:%M}.\n\n"
        f"Répondez depuis la plateforme, rubrique « Transferts ».\n"
    )


def accept_overdue(now=None) -> int:
    """Accept the pending requests past their due date (nobody answered); one failing request
    (e.g. a phone taken at the target meanwhile) stays pending and is logged, the others go on."""
    now = now or timezone.now()
    accepted = 0
    for transfer_id in (
        Transfer.objects.pending().filter(due_at__lte=now).values_list("pk", flat=True)
    ):
        try:
            accept(transfer_id, jurisdiction=None, acting_user=None, now=now)
            accepted += 1
        except TransferError:
            logger.warning("transfers: request %s could not be accepted automatically", transfer_id)
    return accepted
