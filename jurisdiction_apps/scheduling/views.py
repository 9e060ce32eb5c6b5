"""Views of the scheduling app: day view, day sheet, worklists, booking, follow-up.

Views are thin: queries come from queries.py, changes from services.py.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jurisdiction_apps.core.pagination import paginate_ids, query_string_without_page
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from tenants.constants import APPOINTMENT_HOLDER_ROLES
from tenants.permissions import Action, action_required, can

from . import queries
from .constants import EventKind
from .forms import BookingForm
from .models import Appointment, Slot, TransitionError
from .services import BookingError, BookingRequest, book, change_state, reschedule

SLOT_WEEKS_SHOWN = 4
OUTCOME_ACTIONS = [
    (EventKind.FULFILLED, "Venu(e)"),
    (EventKind.NO_SHOW, "Absent(e)"),
    (EventKind.EXCUSED, "Excusé(e)"),
]


def _filters(request):
    return queries.AgendaFilters.from_query(request.GET, timezone.localdate())


@action_required(Action.VIEW_PEOPLE)
def day_view(request):
    filters = _filters(request)
    if "agent" not in request.GET and request.membership.role in APPOINTMENT_HOLDER_ROLES:
        filters.agent_id = request.user.pk  # a counsellor opens on their own day
    appointments = list(queries.day_appointments(filters, request.tenant.zone))
    return render(
        request,
        "scheduling/day.html",
        {
            "filters": filters,
            "appointments": appointments,
            "previous_day": filters.day - timedelta(days=1),
            "next_day": filters.day + timedelta(days=1),
            "now": timezone.now(),
            "outcome_actions": OUTCOME_ACTIONS,
            "can_record": can(request.membership, Action.RECORD_OUTCOME),
            **queries.filter_choices(request.tenant),
        },
    )


@action_required(Action.VIEW_PEOPLE)
def day_sheet(request):
    filters = _filters(request)
    appointments = list(queries.day_appointments(filters, request.tenant.zone))
    agenda = Agenda.objects.select_related("place").filter(pk=filters.agenda_id).first()
    return render(
        request,
        "scheduling/day_sheet.html",
        {"filters": filters, "appointments": appointments, "agenda": agenda},
    )


def _worklist(request, rows, template, title):
    filters = _filters(request)
    page = paginate_ids(rows(filters), queries.ROWS_FOR_LISTS, request.GET.get("page"))
    return render(
        request,
        template,
        {
            "filters": filters,
            "page": page,
            "query_string": query_string_without_page(request),
            "title": title,
            "outcome_actions": OUTCOME_ACTIONS,
            "can_record": can(request.membership, Action.RECORD_OUTCOME),
            **queries.filter_choices(request.tenant),
        },
    )


@action_required(Action.VIEW_PEOPLE)
def awaiting_outcome(request):
    return _worklist(
        request,
        queries.awaiting_outcome,
        "scheduling/awaiting.html",
        "Rendez-vous passés à renseigner",
    )


@action_required(Action.VIEW_PEOPLE)
def no_shows(request):
    return _worklist(request, queries.no_shows, "scheduling/no_shows.html", "Absences à traiter")


def _next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@require_POST
@action_required(Action.RECORD_OUTCOME)
def transition(request, pk):
    appointment = get_object_or_404(Appointment, pk=pk)
    kind = request.POST.get("action", "")
    if kind not in (
        EventKind.FULFILLED,
        EventKind.NO_SHOW,
        EventKind.EXCUSED,
        EventKind.CANCELLED,
        EventKind.REVERTED,
    ):
        return HttpResponseBadRequest("Action inconnue.")
    try:
        change_state(
            appointment.pk,
            kind,
            acting_user=request.user,
            notify=request.POST.get("notify") == "1",
            reason=request.POST.get("reason", "")[:500],
        )
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{appointment.person} : {EventKind(kind).label.lower()}.")
    return redirect(_next_url(request, reverse("scheduling:appointment", args=[pk])))


def _booking_context(request, person, replaces=None):
    """The booking steps: type → place → agenda → slot (or free time). Choices come from GET."""
    role = request.membership.role
    types = AppointmentType.objects.bookable_by(role).order_by("service_kind", "label")
    params = request.GET if request.method == "GET" else request.POST

    def pick(queryset, name):
        value = params.get(name, "")
        return queryset.filter(pk=value).first() if value.isdigit() else None

    chosen_type = pick(types, "type")
    if chosen_type is None and replaces is not None and params.get("type") is None:
        chosen_type = types.filter(pk=replaces.appointment_type_id).first()
    places = (
        Place.objects.offering(chosen_type).order_by("name")
        if chosen_type
        else Place.objects.none()
    )
    place = pick(places, "lieu")
    agendas = place.agendas.active().order_by("name") if place else Agenda.objects.none()
    agenda = pick(agendas, "agenda")
    slots = []
    week = int(params.get("semaine", "0")) if params.get("semaine", "0").isdigit() else 0
    if chosen_type and chosen_type.books_on_slots and agenda:
        start = timezone.now() + timedelta(weeks=week)
        slots = list(
            Slot.objects.bookable(chosen_type, agenda).filter(
                starts_at__gte=start, starts_at__lt=start + timedelta(weeks=SLOT_WEEKS_SHOWN)
            )[:200]
        )
    return {
        "person": person,
        "replaces": replaces,
        "types": types,
        "chosen_type": chosen_type,
        "places": places,
        "place": place,
        "agendas": agendas,
        "agenda": agenda,
        "slots": slots,
        "week": week,
        "weeks_shown": SLOT_WEEKS_SHOWN,
        "ready": bool(chosen_type and place and (agenda or not chosen_type.books_on_slots)),
    }


def _booking(request, person, replaces=None):
    context = _booking_context(request, person, replaces)
    chosen_type = context["chosen_type"]
    form = None
    if context["ready"]:
        agents = queries.holder_memberships(request.tenant)
        form = BookingForm(
            request.POST or None,
            appointment_type=chosen_type,
            agents=agents,
            zone=request.tenant.zone,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            holders = {m.user_id: m.user for m in agents}
            booking = BookingRequest(
                person=person,
                appointment_type=chosen_type,
                place=context["place"],
                agenda=context["agenda"],
                slot_id=data.get("slot"),
                starts_at=data.get("starts_at"),
                duration_minutes=data.get("duration_minutes"),
                notify_mode=data["notify_mode"],
                case_numbers=data.get("case_numbers", ""),
                assigned_agent=holders.get(data.get("assigned_agent")),
            )
            try:
                if replaces is not None:
                    appointment = reschedule(replaces.pk, booking, acting_user=request.user)
                else:
                    appointment = book(booking, acting_user=request.user)
            except (BookingError, TransitionError) as error:
                form.add_error(None, str(error))
            else:
                verb = "reporté" if replaces is not None else "convoqué(e)"
                messages.success(
                    request,
                    f"{person} est {verb} le "
                    f"{timezone.localtime(appointment.starts_at):%d/%m/%Y à %H:%M}.",
                )
                return redirect("scheduling:appointment", pk=appointment.pk)
    elif request.method == "POST":
        messages.error(request, "Choisissez le type, le lieu et l'agenda du rendez-vous.")
    context["form"] = form
    return render(
        request, "scheduling/book.html", context, status=400 if form and form.errors else 200
    )


@action_required(Action.BOOK)
def book_view(request):
    person_id = request.GET.get("personne") or request.POST.get("personne") or ""
    if not person_id.isdigit():
        return redirect("people:list")
    person = get_object_or_404(Person.objects.active(), pk=person_id)
    return _booking(request, person)


@action_required(Action.RECORD_OUTCOME)
def reschedule_view(request, pk):
    old = get_object_or_404(Appointment.objects.select_related("person"), pk=pk)
    # The types offered are those the agent's role books (_booking_context).
    return _booking(request, old.person, replaces=old)
