"""Read side of the agendas: what the day view, the day sheet and the worklists show."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jurisdiction_apps.organisation.models import Agenda, Place
from tenants.constants import APPOINTMENT_HOLDER_ROLES
from tenants.models import Membership

from .models import Appointment, Slot


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


# --- booking -------------------------------------------------------------------------------------
@dataclass
class SlotDay:
    """The free slots of one local day, for the booking page's grid (a fieldset per day)."""

    day: date
    slots: list


def free_slots_by_day(appointment_type, agenda, start: datetime, end: datetime, zone):
    """The bookable slots of ``agenda`` for ``appointment_type`` between ``start`` and ``end``,
    grouped by local day, in order."""
    days: list[SlotDay] = []
    slots = Slot.objects.bookable(appointment_type, agenda).filter(
        starts_at__gte=start, starts_at__lt=end
    )[:MAX_SLOTS_SHOWN]
    for slot in slots:
        day = timezone.localtime(slot.starts_at, zone).date()
        if not days or days[-1].day != day:
            days.append(SlotDay(day=day, slots=[]))
        days[-1].slots.append(slot)
    return days


MAX_SLOTS_SHOWN = 300


def first_free_slot_after(appointment_type, agenda, after: datetime):
    """The first bookable slot at or after ``after`` (None when there is none at all)."""
    return Slot.objects.bookable(appointment_type, agenda).filter(starts_at__gte=after).first()


def agendas_for_booking(place, appointment_type, chosen=None):
    """The active agendas of ``place`` offered in the list; for a type booked on slots, those
    that have future slots of the type, and the ``chosen`` one (all of them when none has: the
    page then says that no slot is free)."""
    agendas = place.agendas.active().order_by("name")
    if appointment_type is None or not appointment_type.books_on_slots:
        return agendas
    with_slots = agendas.filter(
        Exists(
            Slot.objects.future().filter(appointment_type=appointment_type, agenda=OuterRef("pk"))
        )
    )
    if chosen is not None:
        with_slots = agendas.filter(Q(pk__in=with_slots.values("pk")) | Q(pk=chosen.pk))
    return with_slots if with_slots.exists() else agendas


def free_slots(appointment_types, start: datetime, end: datetime, *, agenda_id=None, place_id=None):
    """The bookable slots (open, future, with room, of an active agenda and place) of the given
    types between ``start`` and ``end``, in order; the day view and the API's slot search."""
    queryset = (
        Slot.objects.open()
        .future()
        .with_room()
        .filter(starts_at__gte=start, starts_at__lt=end, appointment_type__in=appointment_types)
        .filter(agenda__archived_at__isnull=True, agenda__place__archived_at__isnull=True)
        .select_related("appointment_type", "agenda__place")
        .order_by("starts_at", "agenda__name", "pk")
    )
    if agenda_id:
        queryset = queryset.filter(agenda_id=agenda_id)
    if place_id:
        queryset = queryset.filter(agenda__place_id=place_id)
    return queryset


def day_free_slots(filters: AgendaFilters, zone, appointment_types):
    """The free slots of the filtered day (agenda and place filters), of the given types."""
    start, end = local_day_bounds(filters.day, zone)
    queryset = free_slots(
        appointment_types, start, end, agenda_id=filters.agenda_id, place_id=filters.place_id
    )
    return queryset[:MAX_SLOTS_SHOWN]
