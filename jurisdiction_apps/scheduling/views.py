"""Views of the scheduling app: day view, day sheet, worklists, booking, follow-up.

Views are thin: queries come from queries.py, changes from services.py.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

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

OUTCOME_ACTIONS = [
    (EventKind.FULFILLED, "Présence"),
    (EventKind.NO_SHOW, "Absence"),
    (EventKind.EXCUSED, "Absence excusée"),
]


def _filters(request):
    return queries.AgendaFilters.from_query(request.GET, timezone.localdate())


@action_required(Action.VIEW_PEOPLE)
def day_view(request):
    filters = _filters(request)
    if "agent" not in request.GET and request.membership.role in APPOINTMENT_HOLDER_ROLES:
        filters.agent_id = request.user.pk  # a counsellor opens on their own day
    appointments = list(queries.day_appointments(filters, request.tenant.zone))
    free_slots = []
    if can(request.membership, Action.BOOK):
        bookable = AppointmentType.objects.bookable_by(request.membership.role)
        free_slots = list(queries.day_free_slots(filters, request.tenant.zone, bookable))
    return render(
        request,
        "scheduling/day.html",
        {
            "filters": filters,
            "appointments": appointments,
            "free_slots": free_slots,
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


SLOT_DAYS_SHOWN = 14  # the booking grid shows two weeks of free slots at a time
FURTHEST_START_DAYS = 400
PEOPLE_FOUND = 20
CHOICE_REFUSED = {
    "type": "Ce type de rendez-vous ne vous est pas proposé : choisissez-en un dans la liste.",
    "lieu": "Ce lieu ne propose pas ce type de rendez-vous : choisissez-en un dans la liste.",
    "agenda": "Cet agenda n'appartient pas à ce lieu : choisissez-en un dans la liste.",
}


def _last(params, name) -> str:
    """The last non-empty value of ``name``: a quick-choice button comes after its select."""
    values = [value for value in params.getlist(name) if value]
    return values[-1] if values else ""


def _preset_slot(params, types):
    """The slot chosen on the day view (``creneau``): (slot or None, French problem or "")."""
    value = _last(params, "creneau")
    if not value:
        return None, ""
    slot = (
        Slot.objects.select_related("agenda__place", "appointment_type").filter(pk=value).first()
        if value.isdigit()
        else None
    )
    if (
        slot is None
        or slot.agenda.is_archived
        or slot.agenda.place.is_archived
        or not types.filter(pk=slot.appointment_type_id).exists()
    ):
        return None, "Ce créneau n'existe pas ou ne vous est pas proposé : choisissez-en un autre."
    if not Slot.objects.bookable(slot.appointment_type, slot.agenda).filter(pk=slot.pk).exists():
        return slot, "Ce créneau n'est plus libre : choisissez-en un autre."
    return slot, ""


def _last_appointment(person):
    """The person's most recent appointment, past or future, whatever its state."""
    return (
        Appointment.objects.filter(person=person)
        .only("appointment_type_id", "place_id", "agenda_id")
        .order_by("-starts_at", "-pk")
        .first()
    )


def _start_day(params, default, today):
    try:
        day = date.fromisoformat(_last(params, "depuis")) if _last(params, "depuis") else default
    except ValueError:
        day = default
    return min(max(day, today), today + timedelta(days=FURTHEST_START_DAYS))


def _booking_context(request, person, replaces=None):
    """Type, place, agenda and slot on one page. Choices come from GET (POST when booking);
    what is not chosen yet defaults to the replaced appointment's, the day view's slot, or the
    only choice left. A choice that is not offered is dropped while browsing (the lists narrow)
    and refused when booking (``choice_errors``)."""
    role = request.membership.role
    zone = request.tenant.zone
    params = request.GET if request.method == "GET" else request.POST
    today = timezone.localdate(timezone=zone)
    types = AppointmentType.objects.bookable_by(role).order_by("service_kind", "label")
    choice_errors = {}
    preset, preset_problem = _preset_slot(params, types)
    if preset_problem:
        choice_errors["creneau"] = preset_problem
    source = preset or replaces
    # A person already followed is usually booked again for the same kind of appointment with
    # the same team: their last appointment (any state) gives the defaults when nothing else does.
    usual = source or (_last_appointment(person) if person else None)

    def choose(queryset, name, default, offered=None):
        """The choice sent, else the default, else the only one ``offered`` (the list shown)."""
        value = _last(params, name)
        if value:
            chosen = queryset.filter(pk=value).first() if value.isdigit() else None
            if chosen is not None:
                return chosen
            choice_errors.setdefault(name, CHOICE_REFUSED[name])
        if default is not None:
            chosen = queryset.filter(pk=default).first()
            if chosen is not None:
                return chosen
        only = list((queryset if offered is None else offered)[:2])
        return only[0] if len(only) == 1 else None

    chosen_type = choose(types, "type", usual.appointment_type_id if usual else None)
    if chosen_type:
        places = Place.objects.offering(chosen_type).order_by("name")
    else:
        places = Place.objects.active().filter(appointment_types__in=types).distinct()
        places = places.order_by("name")
    default_place = None
    if preset:
        default_place = preset.agenda.place_id
    elif usual:
        default_place = usual.place_id
    place = choose(places, "lieu", default_place)
    agenda, agendas = None, Agenda.objects.none()
    if place:
        agenda = choose(
            place.agendas.active(),
            "agenda",
            usual.agenda_id if usual else None,
            offered=queries.agendas_for_booking(place, chosen_type),
        )
        agendas = queries.agendas_for_booking(place, chosen_type, agenda)
    if request.method == "GET":  # browsing: a choice the lists no longer offer is just dropped
        choice_errors = {k: v for k, v in choice_errors.items() if k == "creneau"}
    on_slots = bool(chosen_type and chosen_type.books_on_slots)
    ready = bool(chosen_type and place and (agenda or not on_slots))

    preset_day = timezone.localtime(preset.starts_at, zone).date() if preset else today
    start_day = _start_day(params, preset_day, today)
    end_day = start_day + timedelta(days=SLOT_DAYS_SHOWN)
    slot_days, next_free = [], None
    if ready and on_slots:
        start, end = (
            queries.local_day_bounds(start_day, zone)[0],
            queries.local_day_bounds(end_day, zone)[0],
        )
        slot_days = queries.free_slots_by_day(chosen_type, agenda, start, end, zone)
        if not slot_days:
            next_free = queries.first_free_slot_after(chosen_type, agenda, end)
    selected = _last(params, "slot") if request.method == "POST" else ""
    if not selected and preset and not preset_problem and agenda and preset.agenda_id == agenda.pk:
        selected = str(preset.pk)

    def link(**changes):
        query = {
            "personne": person.pk if person and not replaces else None,
            "type": chosen_type.pk if chosen_type else None,
            "lieu": place.pk if place else None,
            "agenda": agenda.pk if agenda else None,
            "depuis": start_day.isoformat(),
            **changes,
        }
        return "?" + urlencode({key: value for key, value in query.items() if value})

    return {
        "person": person,
        "replaces": replaces,
        "preset": preset,
        "type_from_last": bool(
            usual is not None and source is None and chosen_type and not _last(params, "type")
        )
        and chosen_type.pk == usual.appointment_type_id,
        "types": types,
        "chosen_type": chosen_type,
        "places": places,
        "place": place,
        "agendas": agendas,
        "agenda": agenda,
        "on_slots": on_slots,
        "ready": ready,
        "choice_errors": choice_errors,
        "slot_days": slot_days,
        "selected_slot": selected,
        "start_day": start_day,
        "last_day": end_day - timedelta(days=1),
        "next_free": next_free,
        "next_free_link": link(depuis=timezone.localtime(next_free.starts_at, zone).date())
        if next_free
        else "",
        "previous_link": link(
            depuis=max(today, start_day - timedelta(days=SLOT_DAYS_SHOWN)).isoformat()
        )
        if start_day > today
        else "",
        "next_link": link(depuis=end_day.isoformat()),
        "can_manage_slots": can(request.membership, Action.MANAGE_PLACES),
    }


def _person_search(request):
    """The people search of the booking page opened from a day-view slot: posted, so that no
    name or phone goes into a URL; the results link to the page with the person's id."""
    query = request.POST.get("recherche", "").strip()[:100]
    if not query:
        return query, [], "Saisissez un nom, un numéro de téléphone portable ou un numéro APPI."
    matches = Person.objects.active().search(query, request.tenant.phone_region)
    people = sorted(
        matches.order_by()[: PEOPLE_FOUND + 1],
        key=lambda p: (p.last_name, p.first_names, p.birth_date, p.pk),
    )
    if not people:
        return query, [], "Aucune personne suivie ne correspond à cette recherche."
    return query, people, ""


CHOICE_ANCHORS = {"type": "choix-type", "lieu": "choix-lieu", "agenda": "choix-agenda"}
FIELD_ANCHORS = {"slot": "creneaux", "notify_mode": "prevenir"}


def _error_summary(context, form) -> list[tuple[str, str]]:
    """(anchor, French message) of every problem, for the summary at the top of the page."""
    items = [
        (CHOICE_ANCHORS.get(name, ""), text) for name, text in context["choice_errors"].items()
    ]
    if context.get("booking_error"):
        items.append(("", context["booking_error"]))
    if form is not None and form.is_bound:
        items += [("", error) for error in form.non_field_errors()]
        for name, errors in form.errors.items():
            if name != "__all__":
                anchor = FIELD_ANCHORS.get(name) or form[name].id_for_label
                items += [(anchor, f"{form[name].label} : {error}") for error in errors]
    return items


def _booking(request, person, replaces=None):
    context = _booking_context(request, person, replaces)
    chosen_type = context["chosen_type"]
    form = None
    status = 200
    if person is None:
        if request.method == "POST":
            query, found, error = _person_search(request)
            context.update(
                search_query=query,
                people_found=found[:PEOPLE_FOUND],
                more_people=len(found) > PEOPLE_FOUND,
                search_error=error,
            )
            status = 400 if error and not query else 200
    elif context["ready"] and not (request.method == "POST" and context["choice_errors"]):
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
                # the grid is read again: a slot taken meanwhile is no longer offered
                context.update(_booking_context(request, person, replaces))
            else:
                what = "Rendez-vous reporté" if replaces is not None else "Rendez-vous pris"
                messages.success(
                    request,
                    f"{what} pour {person} le "
                    f"{timezone.localtime(appointment.starts_at):%d/%m/%Y à %H:%M}.",
                )
                return redirect("scheduling:appointment", pk=appointment.pk)
        if form.errors:
            status = 400
    elif request.method == "POST":
        context["booking_error"] = (
            "Ce rendez-vous ne peut pas être enregistré : corrigez les choix signalés."
            if context["choice_errors"]
            else "Choisissez le type, le lieu et l'agenda du rendez-vous."
        )
        status = 400
    context["form"] = form
    context["error_summary"] = _error_summary(context, form)
    if request.method == "GET" and request.GET.get("fragment") == "1":
        return render(request, "scheduling/_booking_area.html", context)
    return render(request, "scheduling/book.html", context, status=status)


@action_required(Action.BOOK)
def book_view(request):
    """``?personne=<id>`` (person page, agent's home), or ``?creneau=<id>`` (a free slot of the
    day view: the page then asks for the person)."""
    person_id = _last(request.GET, "personne") or request.POST.get("personne", "")
    if not person_id and (_last(request.GET, "creneau") or request.POST.get("creneau")):
        return _booking(request, None)
    if not person_id.isdigit():
        return redirect("people:list")
    person = get_object_or_404(Person.objects.active(), pk=person_id)
    return _booking(request, person)


@action_required(Action.RECORD_OUTCOME)
def reschedule_view(request, pk):
    old = get_object_or_404(Appointment.objects.select_related("person"), pk=pk)
    # The types offered are those the agent's role books; the type, place and agenda start as
    # the old appointment's (_booking_context).
    return _booking(request, old.person, replaces=old)
