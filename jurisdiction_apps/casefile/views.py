"""The pages that show a whole file: a person's (appointments, timeline, SMS failure), their audit
trail, and an appointment's (history, SMS); and the agent's home, the day's work. They read every
app below; none of those reads them.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from jurisdiction_apps.notifications import queries as sms_queries
from jurisdiction_apps.people import elsewhere
from jurisdiction_apps.people import services as people_services
from jurisdiction_apps.people.forms import SearchForm
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.services.messages import team_read_entries
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment
from jurisdiction_apps.scheduling.views import OUTCOME_ACTIONS
from tenants.permissions import Action, action_required, can
from tenants.views import memberships_with_links
from tenants.words import role_phrase

from . import agent_day, history, retention

VIEWS_PAGE_SIZE = 100
PORTAL_READS_SHOWN = 100
RECENT_PAST_SHOWN = 20
RECENT_EVENTS_SHOWN = 30


@action_required(Action.VIEW_PEOPLE)
def person_detail(request, pk: int):
    person = get_object_or_404(Person.objects.select_related("referent"), pk=pk)
    people_services.record_view(person, viewer=request.user)
    appointments = list(
        person.appointments.select_related("appointment_type", "place", "assigned_agent").order_by(
            "starts_at", "pk"
        )
    )
    now = timezone.now()
    past = [item for item in reversed(appointments) if item.starts_at < now]
    # A long follow-up shows its recent part; "tout afficher" shows everything.
    show_all = request.GET.get("tout") == "1"
    timeline, timeline_total = history.timeline(
        person,
        region=request.tenant.phone_region,
        limit=None if show_all else RECENT_EVENTS_SHOWN,
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "upcoming": [item for item in appointments if item.starts_at >= now],
            "past": past if show_all else past[:RECENT_PAST_SHOWN],
            "past_hidden": 0 if show_all else max(len(past) - RECENT_PAST_SHOWN, 0),
            "timeline": timeline,
            "timeline_hidden": timeline_total - len(timeline),
            "sms_number_failure": sms_queries.number_failure(person),
            "erasure_due": retention.erasure_due(person),
            # Shown once, right after a registration matching a person followed elsewhere.
            "followed_elsewhere": elsewhere.pop_warnings(request, person),
        },
    )


@action_required(Action.VIEW_PEOPLE)
def appointment_detail(request, pk):
    appointment = get_object_or_404(
        Appointment.objects.with_related().select_related("assigned_agent", "booked_by"), pk=pk
    )
    history = appointment.history.select_related("actor").order_by("at", "pk")
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "history": history,
            "sms_messages": sms_queries.appointment_messages(appointment),
            "now": timezone.now(),
            "outcome_actions": OUTCOME_ACTIONS,
        },
    )


@action_required(Action.VIEW_AUDIT)
def person_audit(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    region = request.tenant.phone_region
    trail = history.audit_trail(person, region=region)
    views_page = Paginator(history.views_log(person), VIEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/person_audit.html",
        {
            "person": person,
            "views_page": views_page,
            "portal_reads": team_read_entries(person, PORTAL_READS_SHOWN),
            "portal_reads_count": person.portal_reads.count(),
            "portal_reads_shown": PORTAL_READS_SHOWN,
            "lookup_entries": history.national_lookup_entries(person, jurisdiction=request.tenant),
            **trail,
        },
    )


# One click per outcome, named as the state it records (the appointment's badge then says it).
HOME_OUTCOMES = [(kind, AppointmentState(kind).label) for kind, _ in OUTCOME_ACTIONS]
UNKNOWN_SCOPE = "Cet affichage n'existe pas ou plus : voici l'affichage par défaut."
EMPTY_SEARCH = "Saisissez un nom, un numéro de téléphone ou un numéro APPI."


def _search(request):
    """The home's person search (POST): its form, its results (None when the form is wrong) and
    the response's status."""
    form = SearchForm(request.POST)
    if form.is_valid() and not form.cleaned_data["q"].strip():
        form.add_error("q", EMPTY_SEARCH)
    if not form.is_valid():
        return form, None, 400
    text = form.cleaned_data["q"].strip()
    people, total = agent_day.search_people(text, request.tenant.phone_region)
    return form, {"query": text, "people": people, "total": total}, 200


@action_required(Action.VIEW_PEOPLE)
def home(request):
    """The agent's day: today's appointments with one-click outcomes, what waits, a search to
    book from, and the jurisdiction's health for its managers.

    The search is sent by POST: a name or a phone never goes into a URL (nor into the server's
    access logs). The display choice (``vue``) is a GET parameter holding ids only.
    """
    membership = request.membership
    zone = request.tenant.zone
    now = timezone.now()
    agendas = agent_day.agenda_choices()
    scope, valid = agent_day.resolve_scope(
        request.GET.get("vue", ""), user=request.user, membership=membership, agendas=agendas
    )
    if not valid:
        messages.error(request, UNKNOWN_SCOPE)
    if request.method == "POST":
        form, search, status = _search(request)
    else:
        form, search, status = SearchForm(), None, 200
    appointments, more = agent_day.day_appointments(scope, zone, now)
    memberships = memberships_with_links(request)
    return render(
        request,
        "casefile/home.html",
        {
            "today": timezone.localtime(now, zone).date(),
            "now": now,
            "role_label": role_phrase(membership.role),
            "scope": scope,
            "holds_appointments": agent_day.holds_appointments(membership),
            "agendas": agendas,
            "appointments": appointments,
            "more_appointments": more,
            "outcome_actions": HOME_OUTCOMES,
            "can_record": can(membership, Action.RECORD_OUTCOME),
            "can_book": can(membership, Action.BOOK),
            "counters": agent_day.counters(scope, membership, now),
            "form": form,
            "search": search,
            "search_shown": agent_day.SEARCH_RESULTS_SHOWN,
            "health": agent_day.health(now) if can(membership, Action.VIEW_STATISTICS) else None,
            "health_days": {
                "slots": agent_day.HEALTH_SLOT_DAYS,
                "threshold": agent_day.LOW_FREE_PLACES,
            },
            "memberships": memberships if len(memberships) > 1 else [],
        },
        status=status,
    )
