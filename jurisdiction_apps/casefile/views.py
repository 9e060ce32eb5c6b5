"""The pages that show a whole file: a person's (appointments, timeline, SMS failure), their audit
trail, and an appointment's (history, SMS). They read every app below; none of those reads them.
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from jurisdiction_apps.notifications import queries as sms_queries
from jurisdiction_apps.people import services as people_services
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.services.messages import team_read_entries
from jurisdiction_apps.scheduling.models import Appointment
from jurisdiction_apps.scheduling.views import OUTCOME_ACTIONS
from tenants.permissions import Action, action_required

from . import history

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
            **trail,
        },
    )
