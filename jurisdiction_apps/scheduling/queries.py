"""Read side of the agendas: what the day view, the day sheet and the worklists show."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from jurisdiction_apps.organisation.models import Agenda, Place
from tenants.constants import APPOINTMENT_HOLDER_ROLES
from tenants.models import Membership

from .models import Appointment


@dataclass
class AgendaFilters:
    day: date
    agenda_id: int | None = None
    place_id: int | None = None
    agent_id: int | None = None

    @classmethod
    def from_query(cls, params, today: date) -> "AgendaFilters":
        def as_int(name):
            value = params.get(name, "")
            return int(value) if value.isdigit() else None

        try:
            day = date.fromisoformat(params.get("date", "")) if params.get("date") else today
        except ValueError:
            day = today
        return cls(
            day=day, agenda_id=as_int("agenda"), place_id=as_int("lieu"), agent_id=as_int("agent")
        )

    def apply(self, queryset):
        if self.agenda_id:
            queryset = queryset.filter(agenda_id=self.agenda_id)
        if self.place_id:
            queryset = queryset.filter(place_id=self.place_id)
        if self.agent_id:
            queryset = queryset.filter(assigned_agent_id=self.agent_id)
        return queryset


def local_day_bounds(day: date, zone) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start, end


def day_appointments(filters: AgendaFilters, zone):
    start, end = local_day_bounds(filters.day, zone)
    queryset = (
        Appointment.objects.select_related("person", "appointment_type", "place", "agenda")
        .select_related("assigned_agent")
        .between(start, end)
        .order_by("starts_at", "pk")
    )
    return filters.apply(queryset)


def filter_choices(jurisdiction) -> dict:
    return {
        "agendas": Agenda.objects.active().select_related("place").order_by("place__name", "name"),
        "places": Place.objects.active().order_by("name"),
        "agents": holder_memberships(jurisdiction),
    }


def holder_memberships(jurisdiction):
    """Agents who can hold appointments here (CPIP, psychologists, overseers)."""
    return (
        Membership.objects.active()
        .filter(jurisdiction=jurisdiction, role__in=APPOINTMENT_HOLDER_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


# Worklists return the ordered ids of their rows; the page's rows are then fetched with
# ROWS_FOR_LISTS (jurisdiction_apps.core.pagination.paginate_ids).
ROWS_FOR_LISTS = Appointment.objects.with_related().select_related("assigned_agent")


def awaiting_outcome(filters: AgendaFilters):
    queryset = Appointment.objects.awaiting_outcome().order_by("-starts_at", "-pk")
    return filters.apply(queryset).values_list("pk", flat=True)


NO_SHOW_WINDOW_DAYS = 180


def no_shows(filters: AgendaFilters):
    queryset = (
        Appointment.objects.no_shows_to_handle()
        .filter(starts_at__gte=timezone.now() - timedelta(days=NO_SHOW_WINDOW_DAYS))
        .order_by("-starts_at", "-pk")
    )
    return filters.apply(queryset).values_list("pk", flat=True)
