"""The agent's home: the day's appointments, the counts of what waits, a person search, and for
managers the jurisdiction's health. It reads scheduling, people, notifications and portal (all
below casefile); each function runs a fixed number of queries, whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from jurisdiction_apps.notifications.constants import MessageState
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import Agenda
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.models import ChangeRequest, PortalMessage
from jurisdiction_apps.scheduling import queries as agenda_queries
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment, Slot, SlotTemplate
from tenants.constants import APPOINTMENT_HOLDER_ROLES
from tenants.permissions import Action, can

# Rows of the day shown on the home; beyond, the day view has them all.
DAY_ROWS_SHOWN = 100
SEARCH_RESULTS_SHOWN = 20
# The jurisdiction's health (local admins and directors).
HEALTH_SMS_DAYS = 7
HEALTH_OUTCOME_DAYS = 30
HEALTH_SLOT_DAYS = 14
# An agenda is flagged when fewer than this many places remain free in its slots over the next
# two weeks: about one working day of one team's appointments (the demo's team agenda opens 12 a
# week). Below that, a person leaving a hearing next week may find no place within the fortnight,
# so the local admin should open slots (a template or one-off slots) before it comes to that.
LOW_FREE_PLACES = 10

MINE = "miens"
EVERYONE = "tous"


def plural(count: int, one: str, many: str, none: str) -> str:
    """French count phrase: "Aucune absence…", "1 absence…", "3 absences…" (0 and 1 singular)."""
    if count == 0:
        return none
    return f"{count} {one if count == 1 else many}"


@dataclass
class Scope:
    """Whose appointments the home shows: the agent's own, the whole jurisdiction, one agenda."""

    key: str  # MINE, EVERYONE, or an agenda's id
    agent_id: int | None = None
    agenda: Agenda | None = None

    @property
    def query(self) -> str:
        """The worklists' filter of the same scope (ids only)."""
        if self.agent_id:
            return f"?agent={self.agent_id}"
        if self.agenda is not None:
            return f"?agenda={self.agenda.pk}"
        return ""

    @property
    def label(self) -> str:
        if self.agent_id:
            return "Mes rendez-vous"
        if self.agenda is not None:
            return f"Agenda {self.agenda}"
        return "Toute la juridiction"


def holds_appointments(membership) -> bool:
    return membership is not None and membership.role in APPOINTMENT_HOLDER_ROLES


def agenda_choices():
    return list(Agenda.objects.active().select_related("place").order_by("place__name", "name"))


def resolve_scope(value: str, *, user, membership, agendas) -> tuple[Scope, bool]:
    """The scope a ``vue`` parameter names, and whether it was valid.

    Default (no value): an agent who holds appointments (CPIP, psychologist, overseer) sees their
    own; anyone else (BEX, JAP, secretariat, administrators) the whole jurisdiction.
    """
    default = Scope(MINE, agent_id=user.pk) if holds_appointments(membership) else Scope(EVERYONE)
    if not value:
        return default, True
    if value == MINE and holds_appointments(membership):
        return Scope(MINE, agent_id=user.pk), True
    if value == EVERYONE:
        return Scope(EVERYONE), True
    if value.isdigit():
        agenda = next((item for item in agendas if item.pk == int(value)), None)
        if agenda is not None:
            return Scope(value, agenda=agenda), True
    return default, False


def day_appointments(scope: Scope, zone, now: datetime) -> tuple[list[Appointment], bool]:
    """Today's appointments of the scope, in the jurisdiction's local day (1 query), and whether
    more than DAY_ROWS_SHOWN exist."""
    filters = agenda_queries.AgendaFilters(
        day=timezone.localtime(now, zone).date(),
        agenda_id=scope.agenda.pk if scope.agenda is not None else None,
        agent_id=scope.agent_id,
    )
    rows = list(agenda_queries.day_appointments(filters, zone)[: DAY_ROWS_SHOWN + 1])
    return rows[:DAY_ROWS_SHOWN], len(rows) > DAY_ROWS_SHOWN


@dataclass
class Counter:
    key: str
    text: str
    count: int
    url: str


def counters(scope: Scope, membership, now: datetime) -> list[Counter]:
    """What waits for the agent, each with the page that lists it (one query per counter, at
    most five). The appointments' counters follow the scope; SMS, requests and messages are the
    jurisdiction's (their pages have no filter)."""
    appointments = Appointment.objects.all()
    if scope.agent_id:
        appointments = appointments.filter(assigned_agent_id=scope.agent_id)
    elif scope.agenda is not None:
        appointments = appointments.filter(agenda_id=scope.agenda.pk)
    no_show_since = now - timedelta(days=agenda_queries.NO_SHOW_WINDOW_DAYS)
    awaiting = appointments.awaiting_outcome().count()
    no_shows = appointments.no_shows_to_handle().filter(starts_at__gte=no_show_since).count()
    items = [
        Counter(
            "awaiting",
            plural(
                awaiting,
                "rendez-vous passé à renseigner",
                "rendez-vous passés à renseigner",
                "Aucun rendez-vous passé à renseigner",
            ),
            awaiting,
            reverse("scheduling:awaiting") + scope.query,
        ),
        Counter(
            "no_shows",
            plural(
                no_shows,
                "absence à rappeler",
                "absences à rappeler",
                "Aucune absence à rappeler",
            ),
            no_shows,
            reverse("scheduling:no_shows") + scope.query,
        ),
    ]
    if can(membership, Action.HANDLE_CHANGE_REQUESTS):
        requests = ChangeRequest.objects.open().count()
        items.append(
            Counter(
                "requests",
                plural(
                    requests,
                    "demande de changement à traiter",
                    "demandes de changement à traiter",
                    "Aucune demande de changement à traiter",
                ),
                requests,
                reverse("portal_team:requests"),
            )
        )
    if can(membership, Action.PORTAL_MESSAGES):
        unread = PortalMessage.objects.unread_by_team().count()
        items.append(
            Counter(
                "messages",
                plural(unread, "message non lu", "messages non lus", "Aucun message non lu"),
                unread,
                reverse("portal_team:inbox"),
            )
        )
    failures = Message.objects.needing_attention().count()
    items.append(
        Counter(
            "sms",
            plural(failures, "SMS en échec", "SMS en échec", "Aucun SMS en échec"),
            failures,
            reverse("notifications:failures"),
        )
    )
    return items


def search_people(text: str, region: str) -> tuple[list[Person], int]:
    """Active people matching a name, a phone in any writing or an APPI number (people's own
    search), sorted by name: the first SEARCH_RESULTS_SHOWN and how many match (2 queries)."""
    order = ("last_name", "first_names", "birth_date", "pk")
    # Sorted here, not in SQL: the name index serves the match, unordered (as the people list).
    rows = sorted(Person.objects.search(text, region).active().order_by().values_list(*order))
    ids = [row[-1] for row in rows[:SEARCH_RESULTS_SHOWN]]
    people = Person.objects.in_bulk(ids) if ids else {}
    return [people[pk] for pk in ids], len(rows)


@dataclass
class Health:
    sms_failed: int
    past_total: int
    past_without_outcome: int
    low_agendas: list[Agenda]  # each with ``free`` places over HEALTH_SLOT_DAYS, and its text

    @property
    def sms_text(self) -> str:
        return (
            plural(self.sms_failed, "SMS en échec", "SMS en échec", "Aucun SMS en échec")
            + f" sur les {HEALTH_SMS_DAYS} derniers jours"
        )

    @property
    def without_outcome_percent(self) -> int | None:
        if not self.past_total:
            return None
        return round(100 * self.past_without_outcome / self.past_total)

    @property
    def outcome_text(self) -> str:
        if not self.past_total:
            return f"Aucun rendez-vous passé sur les {HEALTH_OUTCOME_DAYS} derniers jours."
        return (
            f"{self.without_outcome_percent} % des rendez-vous passés des {HEALTH_OUTCOME_DAYS} "
            f"derniers jours sont sans issue renseignée ({self.past_without_outcome} sur "
            f"{self.past_total})."
        )


def health(now: datetime) -> Health:
    """The jurisdiction's health for its managers (3 queries)."""
    sms_failed = Message.objects.filter(
        state=MessageState.FAILED, failed_at__gte=now - timedelta(days=HEALTH_SMS_DAYS)
    ).count()
    # Past appointments that should have an outcome: cancelled ones never get one.
    past = (
        Appointment.objects.filter(
            starts_at__gte=now - timedelta(days=HEALTH_OUTCOME_DAYS), starts_at__lt=now
        )
        .exclude(state=AppointmentState.CANCELLED)
        .aggregate(total=Count("pk"), booked=Count("pk", filter=Q(state=AppointmentState.BOOKED)))
    )
    free = (
        Slot.objects.open()
        .filter(
            agenda_id=OuterRef("pk"),
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=HEALTH_SLOT_DAYS),
        )
        .order_by()
        .values("agenda_id")
        .annotate(free=Sum(F("capacity") - F("booked_count")))
        .values("free")
    )
    # Agendas that run on slots (an active template): those booked on free times have none.
    runs_on_slots = Exists(SlotTemplate.objects.filter(agenda_id=OuterRef("pk"), is_active=True))
    low = list(
        Agenda.objects.active()
        .filter(runs_on_slots, place__archived_at__isnull=True)
        .annotate(free=Coalesce(Subquery(free), 0))
        .filter(free__lt=LOW_FREE_PLACES)
        .select_related("place")
        .order_by("free", "place__name", "name")
    )
    for agenda in low:
        agenda.free_text = plural(agenda.free, "place libre", "places libres", "Aucune place libre")
    return Health(sms_failed, past["total"], past["booked"], low)
