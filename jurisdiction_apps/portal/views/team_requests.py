"""The agents' side of change requests: the worklist, and one request with its three answers.

Views are thin: the writes are in services/requests.py, the slots come from scheduling's
QuerySets (the same bookable slots as the booking screen, of the appointment's own type).
"""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Slot
from tenants.permissions import Action, action_required, role_can

from ..constants import ChangeRequestState
from ..models import ChangeRequest
from ..services.requests import (
    MAX_ANSWER_LENGTH,
    RequestError,
    excuse_request,
    refuse_request,
    reschedule_request,
)

ROWS_SHOWN = 200
SLOT_WEEKS_OFFERED = 4
SLOTS_OFFERED = 200
HANDLED = "traitees"
DONE = {
    "excuse": "Demande traitée : l'absence de {person} est excusée.",
    "reschedule": "Demande traitée : le rendez-vous de {person} est déplacé au {when}. "
    "La personne reçoit un SMS.",
    "refuse": "Demande refusée : la réponse est envoyée à {person} dans ses messages.",
}


def _rows():
    return ChangeRequest.objects.select_related(
        "person", "appointment__appointment_type", "appointment__place", "attachment"
    )


@action_required(Action.HANDLE_CHANGE_REQUESTS)
def worklist(request):
    handled = request.GET.get("etat") == HANDLED
    if handled:
        rows = (
            _rows()
            .exclude(state=ChangeRequestState.OPEN)
            .select_related("handled_by")
            .order_by("-handled_at", "-pk")
        )
    else:
        rows = _rows().open().order_by("appointment__starts_at", "created_at", "pk")
    rows = list(rows[: ROWS_SHOWN + 1])  # one query; one more row says the list goes on
    return render(
        request,
        "portal_team/requests.html",
        {
            "handled": handled,
            "change_requests": rows[:ROWS_SHOWN],
            "more": len(rows) > ROWS_SHOWN,
            "rows_shown": ROWS_SHOWN,
            "now": timezone.now(),
        },
    )


def offered_slots(appointment) -> list:
    """Bookable slots of the appointment's type in the next weeks, its own place first."""
    now = timezone.now()
    slots = (
        Slot.objects.open()
        .future()
        .with_room()
        .filter(
            appointment_type_id=appointment.appointment_type_id,
            starts_at__lt=now + timedelta(weeks=SLOT_WEEKS_OFFERED),
            agenda__archived_at__isnull=True,
            agenda__place__archived_at__isnull=True,
            agenda__place__appointment_types=appointment.appointment_type_id,
        )
        .exclude(pk=appointment.slot_id)
        .select_related("agenda__place")
        .order_by("starts_at")[:SLOTS_OFFERED]
    )
    return sorted(
        slots,
        key=lambda slot: (
            slot.agenda.place_id != appointment.place_id,
            slot.agenda.place.name,
            slot.agenda.name,
            slot.starts_at,
        ),
    )


def _slot_groups(slots) -> list[tuple[str, list]]:
    groups: list[tuple[str, list]] = []
    for slot in slots:
        label = f"{slot.agenda.place.name} — {slot.agenda.name}"
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(slot)
    return groups


def _handle(request, change_request):
    action = request.POST.get("action", "")
    answer = request.POST.get("answer", "")
    if action == "excuse":
        done = excuse_request(change_request.pk, answer=answer, acting_user=request.user)
    elif action == "reschedule":
        slot = request.POST.get("slot", "")
        done = reschedule_request(
            change_request.pk,
            int(slot) if slot.isdigit() else None,
            answer=answer,
            acting_user=request.user,
        )
    elif action == "refuse":
        done = refuse_request(change_request.pk, answer=answer, acting_user=request.user)
    else:
        raise RequestError("Action inconnue : rien n'a été changé.")
    when = ""
    if done.new_appointment_id:
        when = f"{timezone.localtime(done.new_appointment.starts_at):%d/%m/%Y à %H:%M}"
    return DONE[action].format(person=change_request.person, when=when)


@require_http_methods(["GET", "POST"])
@action_required(Action.HANDLE_CHANGE_REQUESTS)
def detail(request, pk):
    change_request = get_object_or_404(
        _rows().select_related("handled_by", "new_appointment__place"), pk=pk
    )
    error = ""
    if request.method == "POST":
        try:
            text = _handle(request, change_request)
        except RequestError as refused:
            error = str(refused)
            change_request.refresh_from_db()  # someone else may have handled it meanwhile
        else:
            messages.success(request, text)
            return redirect("portal_team:requests")
    appointment = change_request.appointment
    is_open = change_request.state == ChangeRequestState.OPEN
    appointment_booked = (
        appointment.state == AppointmentState.BOOKED and not appointment.was_rescheduled
    )
    may_book = role_can(
        getattr(request.membership, "role", None), Action.BOOK
    ) and request.membership.role in (appointment.appointment_type.booking_roles or [])
    slots = (
        offered_slots(appointment)
        if is_open
        and may_book
        and appointment_booked
        and appointment.appointment_type.books_on_slots
        else []
    )
    return render(
        request,
        "portal_team/request.html",
        {
            "change_request": change_request,
            "appointment": appointment,
            "is_open": is_open,
            "appointment_booked": appointment_booked,
            "may_book": may_book,
            "slot_groups": _slot_groups(slots),
            "slot_weeks": SLOT_WEEKS_OFFERED,
            "error": error,
            "error_action": request.POST.get("action", "") if error else "",
            "posted": request.POST if error else {},
            "max_answer": MAX_ANSWER_LENGTH,
        },
        status=400 if error else 200,
    )
