"""Change requests: a person's "I cannot come" / "I need another time" on a future appointment,
and the agents' three answers (excuse, reschedule on a slot, refuse with a message).

The appointment changes go through the scheduling services (``change_state``, ``reschedule``),
which write the appointment's history and make the SMS engine send the reschedule SMS. Every
operation is one transaction; handling locks the request row, so a request is handled once.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from jurisdiction_apps.core.audit import audited
from jurisdiction_apps.notifications.constants import PortalSmsKind
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind, NotifyMode
from jurisdiction_apps.scheduling.models import Appointment, Slot, TransitionError
from jurisdiction_apps.scheduling.services import (
    BookingError,
    BookingRequest,
    change_state,
    reschedule,
)
from tenants.models import Membership

from ..constants import Author, ChangeRequestKind, ChangeRequestState
from ..models import ChangeRequest, PortalMessage
from ..storage import private_storage
from .files import FileRefused, check_upload, store
from .sms import portal_link, queue_portal_sms

MAX_REASON_LENGTH = 1000
MAX_ANSWER_LENGTH = 1000
REQUESTS_PATH = "/mon-espace/demandes/"
# The SMS says there is an answer; the answer itself stays in the portal (it may be personal).
NEW_MESSAGE_SMS = (
    "Votre équipe de suivi vous a répondu. Lisez sa réponse dans votre espace : {link}"
)
EVENT_REASON = "demande de la personne sur son espace"

# Messages for the person (short, plain French).
NOT_FOUND = "Ce rendez-vous n'existe pas dans votre espace."
NO_KIND = "Choisissez : « Je ne peux pas venir » ou « J'ai besoin d'un autre horaire »."
NO_REASON = "Écrivez pourquoi vous demandez ce changement."
REASON_TOO_LONG = f"Votre texte est trop long : {MAX_REASON_LENGTH} caractères au plus."
ALREADY_ASKED = (
    "Vous avez déjà fait une demande pour ce rendez-vous. Votre équipe va vous répondre."
)
PAST = (
    "Ce rendez-vous est déjà passé. Vous ne pouvez plus demander de changement. "
    "Écrivez à votre équipe dans « Messages »."
)
NOT_BOOKED = {
    AppointmentState.CANCELLED: "Ce rendez-vous est annulé. Il n'y a rien à changer.",
    AppointmentState.EXCUSED: "Votre absence à ce rendez-vous est déjà excusée.",
}
NOT_BOOKED_DEFAULT = "Ce rendez-vous est terminé. Vous ne pouvez plus demander de changement."

# Messages for the agents.
REQUEST_NOT_FOUND = "Cette demande n'existe pas."
ANSWER_REQUIRED = "Écrivez la réponse à la personne : elle est obligatoire pour refuser."
ANSWER_TOO_LONG = f"La réponse est trop longue : {MAX_ANSWER_LENGTH} caractères au plus."
SLOT_REQUIRED = "Choisissez un créneau."
NOT_YOUR_TYPE = (
    "Votre rôle ne permet pas de convoquer à ce type de rendez-vous : "
    "demandez à un collègue qui le peut, ou excusez ou refusez la demande."
)
EXCUSED_ANSWER = "Votre absence est excusée : vous n'avez pas à venir à ce rendez-vous."
WRONG_SLOT = "Ce créneau n'existe pas pour ce type de rendez-vous : choisissez-en un autre."


class RequestError(ValueError):
    """The request (or its handling) is refused; nothing was changed. The message is French.

    ``field`` names the form field the message belongs to ("" for the whole form)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


# --- the person's side ---------------------------------------------------------------------------
def refusal_reason(appointment: Appointment) -> str:
    """Why no change may be asked on this appointment ("" when one may)."""
    if appointment.state != AppointmentState.BOOKED:
        return NOT_BOOKED.get(appointment.state, NOT_BOOKED_DEFAULT)
    if appointment.has_passed:
        return PAST
    return ""


def _clean_reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(NO_REASON, field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise RequestError(REASON_TOO_LONG, field="reason")
    return reason


def _clean_answer(answer, *, required: bool = False) -> str:
    answer = (answer or "").strip()
    if required and not answer:
        raise RequestError(ANSWER_REQUIRED, field="answer")
    if len(answer) > MAX_ANSWER_LENGTH:
        raise RequestError(ANSWER_TOO_LONG, field="answer")
    return answer


def create_change_request(
    person, appointment_id, *, kind: str, reason: str, upload=None
) -> ChangeRequest:
    """Record the person's request on one of their own future, booked appointments.

    Another person's appointment gives the same error as a missing one. The proof, if any, is
    checked by content before anything is written and stored in the same transaction; its file is
    removed again if the transaction does not commit.
    """
    if kind not in ChangeRequestKind.values:
        raise RequestError(NO_KIND, field="kind")
    reason = _clean_reason(reason)
    checked = None
    if upload is not None:
        try:
            checked = check_upload(upload)
        except FileRefused as error:
            raise RequestError(str(error), field="proof") from error
    stored = []
    try:
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update()
                .filter(pk=appointment_id, person_id=person.pk)
                .first()
            )
            if appointment is None:
                raise RequestError(NOT_FOUND)
            refusal = refusal_reason(appointment)
            if refusal:
                raise RequestError(refusal)
            if ChangeRequest.objects.open().filter(appointment=appointment).exists():
                raise RequestError(ALREADY_ASKED)
            attachment = None
            if checked is not None:
                attachment = store(checked, person)
                stored.append(attachment.file.name)
            try:
                with transaction.atomic():
                    return ChangeRequest.objects.create(
                        appointment=appointment,
                        person=person,
                        kind=kind,
                        reason=reason,
                        attachment=attachment,
                    )
            except IntegrityError as error:  # a request of the same moment won the race
                raise RequestError(ALREADY_ASKED) from error
    except Exception:
        _remove_files(stored)
        raise


def _remove_files(names) -> None:

    storage = private_storage()
    for name in names:
        storage.delete(name)


# --- the agents' side ----------------------------------------------------------------------------
def _may_book(user, appointment_type) -> bool:
    """The same rule as the booking screen: the agent's role is among the type's booking roles."""
    from django.db import connection

    membership = Membership.objects.for_host(user, connection.tenant).first()
    return membership is not None and membership.role in appointment_type.booking_roles


def _lock_open(request_id) -> ChangeRequest:
    change_request = ChangeRequest.objects.select_for_update().filter(pk=request_id).first()
    if change_request is None:
        raise RequestError(REQUEST_NOT_FOUND)
    if change_request.state != ChangeRequestState.OPEN:
        handled_at = timezone.localtime(change_request.handled_at)
        raise RequestError(
            f"Cette demande est déjà traitée ({change_request.get_state_display().lower()}, "
            f"le {handled_at:%d/%m/%Y à %H:%M}) : rien n'a été changé."
        )
    return change_request


def _require_booked(change_request: ChangeRequest) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=change_request.appointment_id)
    if appointment.state != AppointmentState.BOOKED or appointment.was_rescheduled:
        raise RequestError(
            "Le rendez-vous a changé entre-temps (il est « "
            f"{appointment.get_state_display().lower()} ») : rien n'a été changé. "
            "Vous pouvez encore répondre à la personne en refusant la demande avec un message."
        )
    return appointment


def _close(change_request: ChangeRequest, state: str, *, answer: str, acting_user, new=None):
    change_request.state = state
    change_request.answer = answer
    change_request.handled_by = acting_user
    change_request.handled_at = timezone.now()
    change_request.new_appointment = new
    change_request.save(
        update_fields=["state", "answer", "handled_by", "handled_at", "new_appointment"]
    )
    return change_request


@audited
def excuse_request(request_id, *, answer: str = "", acting_user) -> ChangeRequest:
    """Accept the absence: the appointment becomes excused (its pending SMS are cancelled)."""
    answer = _clean_answer(answer)
    with transaction.atomic():
        change_request = _lock_open(request_id)
        appointment = _require_booked(change_request)
        try:
            change_state(
                appointment.pk, EventKind.EXCUSED, acting_user=acting_user, reason=EVENT_REASON
            )
        except TransitionError as error:
            raise RequestError(str(error)) from error
        _close(change_request, ChangeRequestState.EXCUSED, answer=answer, acting_user=acting_user)
        # The person must know they need not come: the answer (or a plain one) in the thread,
        # and an SMS that there is an answer.
        _answer_in_thread(change_request, answer or EXCUSED_ANSWER, acting_user=acting_user)
        return change_request


@audited
def reschedule_request(request_id, slot_id, *, answer: str = "", acting_user) -> ChangeRequest:
    """Move the appointment to a slot of the same type; the person gets the reschedule SMS."""
    answer = _clean_answer(answer)
    if not slot_id:
        raise RequestError(SLOT_REQUIRED, field="slot")
    with transaction.atomic():
        change_request = _lock_open(request_id)
        appointment = _require_booked(change_request)
        slot = (
            Slot.objects.select_related("agenda__place")
            .filter(pk=slot_id, appointment_type_id=appointment.appointment_type_id)
            .first()
        )
        if slot is None:
            raise RequestError(WRONG_SLOT, field="slot")
        if not _may_book(acting_user, appointment.appointment_type):
            raise RequestError(NOT_YOUR_TYPE, field="slot")
        booking = BookingRequest(
            person=appointment.person,
            appointment_type=appointment.appointment_type,
            place=slot.agenda.place,
            agenda=slot.agenda,
            slot_id=slot.pk,
            notify_mode=NotifyMode.NOTIFY_AND_REMIND,  # the reschedule SMS goes out
            case_numbers=appointment.case_numbers,
            assigned_agent=appointment.assigned_agent,
        )
        try:
            new = reschedule(appointment.pk, booking, acting_user=acting_user)
        except (BookingError, TransitionError) as error:
            raise RequestError(str(error), field="slot") from error
        _close(
            change_request,
            ChangeRequestState.RESCHEDULED,
            answer=answer,
            acting_user=acting_user,
            new=new,
        )
        if answer:  # the reschedule SMS already tells the new time: no second SMS
            _answer_in_thread(change_request, answer, acting_user=acting_user, sms=False)
        return change_request


@audited
def refuse_request(request_id, *, answer: str, acting_user) -> ChangeRequest:
    """Refuse with a message: it is posted to the person's thread, and an SMS says there is one
    (without its content)."""
    answer = _clean_answer(answer, required=True)
    with transaction.atomic():
        change_request = _lock_open(request_id)
        _close(change_request, ChangeRequestState.REFUSED, answer=answer, acting_user=acting_user)
        _answer_in_thread(change_request, answer, acting_user=acting_user)
        return change_request


def _answer_in_thread(change_request: ChangeRequest, body: str, *, acting_user, sms=True):
    PortalMessage.objects.create(
        person_id=change_request.person_id,
        author=Author.TEAM,
        agent=acting_user,
        body=body,
        change_request=change_request,
    )
    if sms:
        queue_portal_sms(
            change_request.person,
            PortalSmsKind.NEW_MESSAGE,
            NEW_MESSAGE_SMS.format(link=portal_link(REQUESTS_PATH)),
        )


# Changes made from the appointment screens close the open request of the appointment too.
CLOSING_EVENTS = {
    EventKind.RESCHEDULED: ChangeRequestState.RESCHEDULED,
    EventKind.EXCUSED: ChangeRequestState.EXCUSED,
    EventKind.CANCELLED: ChangeRequestState.EXCUSED,
}
CANCELLED_ANSWER = "Ce rendez-vous est annulé : vous n'avez pas à venir."


def close_requests_for_event(event) -> int:
    """Receiver of ``appointment_event_recorded`` (same transaction as the change)."""
    state = CLOSING_EVENTS.get(event.kind)
    if state is None:
        return 0
    new_id = (event.details or {}).get("new_appointment") if state == "rescheduled" else None
    return (
        ChangeRequest.objects.open()
        .filter(appointment_id=event.appointment_id)
        .update(
            state=state,
            handled_by=event.actor_id,
            handled_at=timezone.now(),
            new_appointment_id=new_id,
            answer=CANCELLED_ANSWER if event.kind == EventKind.CANCELLED else "",
        )
    )
