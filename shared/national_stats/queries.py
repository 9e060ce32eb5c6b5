"""The figures of the national console and of a jurisdiction's statistics page, read from the
month rows only (a year is 12 rows per jurisdiction): nothing loops over schemas.

Small numbers: in national views a figure resting on fewer than SMALL_NUMBER people is hidden.
The people behind a figure are counted from below, safely: within a jurisdiction, the largest
monthly distinct count of the period (a person counted in two months is one person, so the true
number is at least that); across jurisdictions, the sum (each follows its own people).
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Sum
from django.utils import timezone

from shared.person_index.models import TABLE as PERSON_INDEX_TABLE
from tenants.models import Jurisdiction

from .aggregation import next_month
from .constants import ALL, SMALL_NUMBER
from .models import AppointmentMonth, FollowedDay, MessageMonth, PortalMonth, Refresh

logger = logging.getLogger(__name__)

APPOINTMENT_COUNTS = (
    "booked",
    "fulfilled",
    "missed",
    "excused",
    "cancelled",
    "rescheduled",
    "pending",
)
MESSAGE_COUNTS = ("created", "sent", "delivered", "failed", "not_sendable", "cancelled")


@dataclass
class Filters:
    first_month: date
    last_month: date
    jurisdiction: Jurisdiction | None = None
    appointment_type: str = ALL


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def median_days(delays: list[int]) -> int | None:
    total = sum(delays)
    if not total:
        return None
    seen = 0
    for days, count in enumerate(delays):
        seen += count
        if seen * 2 >= total:
            return days
    return len(delays) - 1


@dataclass
class Cell:
    """Figures of one jurisdiction (or of several, added up) over some months."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(APPOINTMENT_COUNTS, 0))
    sms: dict = field(default_factory=lambda: dict.fromkeys(MESSAGE_COUNTS, 0))
    delays: list = field(default_factory=list)
    people: int = 0  # lower bound of the distinct people convened (or booked)
    people_outcome: int = 0  # ... with an outcome (fulfilled or missed)
    people_sms: int = 0
    followed: int | None = None

    def add(self, other: "Cell") -> None:
        for key in self.counts:
            self.counts[key] += other.counts[key]
        for key in self.sms:
            self.sms[key] += other.sms[key]
        self.delays = _add_lists(self.delays, other.delays)
        self.people += other.people
        self.people_outcome += other.people_outcome
        self.people_sms += other.people_sms
        if other.followed is not None:
            self.followed = (self.followed or 0) + other.followed

    @property
    def attendance(self) -> float | None:
        return rate(self.counts["fulfilled"], self.counts["fulfilled"] + self.counts["missed"])

    @property
    def delivery(self) -> float | None:
        return rate(self.sms["delivered"], self.sms["sent"])

    @property
    def median_delay(self) -> int | None:
        return median_days(self.delays)

    # Zero people reveals no one: only 1 to SMALL_NUMBER - 1 people hide a figure.
    def hidden(self) -> bool:
        return 0 < self.people < SMALL_NUMBER

    def attendance_hidden(self) -> bool:
        return 0 < self.people_outcome < SMALL_NUMBER

    def delivery_hidden(self) -> bool:
        return 0 < self.people_sms < SMALL_NUMBER


def _add_lists(a: list, b: list) -> list:
    if not a:
        return list(b)
    if not b:
        return a
    return [x + y for x, y in zip(a, b, strict=True)]


def _scope(queryset, filters: Filters, type_field="appointment_type"):
    queryset = queryset.filter(month__range=(filters.first_month, filters.last_month))
    if filters.jurisdiction is not None:
        queryset = queryset.filter(jurisdiction=filters.jurisdiction)
    return queryset.filter(**{type_field: filters.appointment_type})


def monthly_cells(filters: Filters) -> dict[tuple[int, date], Cell]:
    """One cell per (jurisdiction, month): three queries over the month rows."""
    cells: dict[tuple[int, date], Cell] = {}

    def cell(key):
        return cells.setdefault(key, Cell())

    appointments = _scope(AppointmentMonth.objects, filters)
    if filters.appointment_type == ALL:
        appointments = appointments.filter(service_kind=ALL)
    for row in appointments.values(
        "jurisdiction_id",
        "month",
        "delays",
        "people",
        "people_booked",
        "people_outcome",
        *APPOINTMENT_COUNTS,
    ):
        target = cell((row["jurisdiction_id"], row["month"]))
        target.counts = {key: row[key] for key in APPOINTMENT_COUNTS}
        target.delays = row["delays"]
        # The row's counts rest on the people convened that month and those booked then.
        target.people = max(row["people"], row["people_booked"])
        target.people_outcome = row["people_outcome"]
    messages = _scope(MessageMonth.objects, filters).filter(kind=ALL)
    for row in messages.values("jurisdiction_id", "month", "people", *MESSAGE_COUNTS):
        target = cell((row["jurisdiction_id"], row["month"]))
        target.sms = {key: row[key] for key in MESSAGE_COUNTS}
        target.people_sms = row["people"]
    return cells


def _combine(cells: list[Cell]) -> Cell:
    """Several months of one jurisdiction: counts add up, people take the largest month."""
    total = Cell()
    for one in cells:
        people = (total.people, total.people_outcome, total.people_sms)
        total.add(one)
        total.people = max(people[0], one.people)
        total.people_outcome = max(people[1], one.people_outcome)
        total.people_sms = max(people[2], one.people_sms)
    return total


@dataclass
class Dashboard:
    """Every figure of a statistics page. ``national`` and ``jurisdictions`` always cover every
    jurisdiction (the comparison, the national average); what the page shows as *its* figures
    (tiles, tables, charts) is the scope: the chosen jurisdiction when there is one."""

    filters: Filters
    months: list[date]
    national: dict[date, Cell]  # month -> every jurisdiction added up
    national_total: Cell
    jurisdictions: list[tuple[Jurisdiction, Cell]]  # over the period, every jurisdiction
    selected: dict[date, Cell] | None  # the filtered jurisdiction, month by month
    go_live: list[dict]
    went_live: dict[date, list[Jurisdiction]] = field(default_factory=dict)  # month -> live then

    @property
    def scope(self) -> dict[date, Cell]:
        """Month by month, the figures of the page: the chosen jurisdiction's, or national."""
        return self.national if self.selected is None else self.selected

    @property
    def scope_total(self) -> Cell:
        if self.filters.jurisdiction is None:
            return self.national_total
        mine = [cell for j, cell in self.jurisdictions if j.pk == self.filters.jurisdiction.pk]
        return mine[0] if mine else Cell()

    @property
    def scope_jurisdictions(self) -> list[tuple[Jurisdiction, Cell]]:
        if self.filters.jurisdiction is None:
            return self.jurisdictions
        return [(j, cell) for j, cell in self.jurisdictions if j.pk == self.filters.jurisdiction.pk]


def went_live_month(jurisdiction) -> date | None:
    """The jurisdiction's local month of going live (as the month rows count months)."""
    if jurisdiction.went_live_at is None:
        return None
    return timezone.localdate(jurisdiction.went_live_at, jurisdiction.zone).replace(day=1)


def went_live_by_month(filters: Filters) -> dict[date, list[Jurisdiction]]:
    """The jurisdictions that went live in each month of the period (the chosen one only, when
    there is one): a few rows of the public schema, whatever their figures."""
    candidates = Jurisdiction.objects.tenants().filter(went_live_at__isnull=False)
    if filters.jurisdiction is not None:
        candidates = candidates.filter(pk=filters.jurisdiction.pk)
    months: dict[date, list[Jurisdiction]] = {}
    for jurisdiction in candidates.order_by("name"):
        month = went_live_month(jurisdiction)
        if filters.first_month <= month <= filters.last_month:
            months.setdefault(month, []).append(jurisdiction)
    return months


def dashboard(filters: Filters, months: list[date]) -> Dashboard:
    """One filtered query path: the month rows of the period and type, every jurisdiction, read
    once; the chosen jurisdiction's figures are a subset of the same cells (so they always add up
    to the national ones)."""
    national_filters = Filters(
        filters.first_month, filters.last_month, None, filters.appointment_type
    )
    cells = monthly_cells(national_filters)
    by_jurisdiction: dict[int, list[tuple[date, Cell]]] = {}
    for (jurisdiction_id, month), one in cells.items():
        by_jurisdiction.setdefault(jurisdiction_id, []).append((month, one))
    followed = latest_followed(national_filters)
    national = {month: Cell() for month in months}
    for (_, month), one in cells.items():
        national[month].add(one)
    jurisdictions = {j.pk: j for j in Jurisdiction.objects.tenants().filter(pk__in=by_jurisdiction)}
    per_jurisdiction, national_total = [], Cell()
    for jurisdiction_id, rows in by_jurisdiction.items():
        total = _combine([one for _, one in rows])
        total.followed = followed.get(jurisdiction_id)
        national_total.add(total)
        per_jurisdiction.append((jurisdictions[jurisdiction_id], total))
    per_jurisdiction.sort(key=lambda pair: pair[0].name)
    if filters.last_month >= timezone.localdate().replace(day=1):
        # Today's figure: from the national index, each person once however many jurisdictions
        # follow them (the sum of the jurisdictions' figures counts them once per jurisdiction).
        national_total.followed = people_followed_nationally()
    selected = None
    if filters.jurisdiction is not None:
        mine = dict(by_jurisdiction.get(filters.jurisdiction.pk, []))
        selected = {month: mine.get(month, Cell()) for month in months}
    go_live = [
        before_after(jurisdiction, dict(by_jurisdiction.get(jurisdiction.pk, [])))
        for jurisdiction, _ in per_jurisdiction
        if jurisdiction.went_live_at is not None
        and (filters.jurisdiction is None or jurisdiction == filters.jurisdiction)
    ]
    return Dashboard(
        filters,
        months,
        national,
        national_total,
        per_jurisdiction,
        selected,
        go_live,
        went_live_by_month(filters),
    )


def before_after(jurisdiction, months: dict[date, Cell]) -> dict:
    """Attendance in the period's months before the go-live month and after it (the go-live
    month itself mixes both and is left out). Months are the jurisdiction's local months, as in
    the month rows: going live at 00:30 on the 1st in Paris is in that month, not the UTC one."""
    live = went_live_month(jurisdiction)
    before = _combine([one for month, one in months.items() if month < live])
    after = _combine([one for month, one in months.items() if month > live])
    return {"jurisdiction": jurisdiction, "went_live": live, "before": before, "after": after}


def latest_followed(filters: Filters) -> dict[int, int]:
    """People followed on the last day of the period that has a figure, per jurisdiction."""

    rows = FollowedDay.objects.filter(
        day__gte=filters.first_month, day__lt=next_month(filters.last_month)
    )
    if filters.jurisdiction is not None:
        rows = rows.filter(jurisdiction=filters.jurisdiction)
    last = rows.values("jurisdiction_id").annotate(last=Max("day"))
    wanted = {(r["jurisdiction_id"], r["last"]) for r in last}
    if not wanted:
        return {}
    values = rows.filter(day__in={day for _, day in wanted}).values_list(
        "jurisdiction_id", "day", "people_followed"
    )
    return {j: count for j, day, count in values if (j, day) in wanted}


# One person, one key: the APPI number's when known, else the identity's (an entry without
# either, which the index never writes for a valid person, counts on its own).
PEOPLE_FOLLOWED_SQL = f"""
SELECT count(DISTINCT coalesce(nullif(appi_key, ''), nullif(identity_key, ''), 'entry:' || id))
FROM {PERSON_INDEX_TABLE}
WHERE NOT archived
"""


def people_followed_nationally() -> int:
    """People followed now (not archived) in any jurisdiction, each counted once: distinct by
    APPI key when there is one, else by identity key (shared/person_index). Keys only: no
    schema is visited."""
    with connection.cursor() as cursor:
        cursor.execute(PEOPLE_FOLLOWED_SQL)
        return cursor.fetchone()[0]


def appointment_types() -> list[tuple[str, str]]:
    """The types that have figures, for the filter (national codes, labels as last seen)."""
    rows = (
        AppointmentMonth.objects.exclude(appointment_type=ALL)
        .values("appointment_type")
        .annotate(label=Max("appointment_type_label"), n=Sum("booked"))
        .order_by("label")
    )
    return [(row["appointment_type"], row["label"]) for row in rows]


def figures_version() -> str:
    """Changes whenever a refresh commits (its Refresh row is written in the same transaction
    as the figures): the key of the cached dashboards, no invalidation to forget."""
    state = Refresh.objects.aggregate(last=Max("refreshed_at"), count=Count("pk"))
    last = state["last"].timestamp() if state["last"] else 0
    return f"{last:.6f}-{state['count']}"


def cached_dashboard(filters: Filters, months: list[date], version: str) -> Dashboard:
    """The dashboard of these filters, computed once per refresh of the figures."""
    key = "national_stats:v2:{}:{}:{}:{}:{}".format(
        version,
        filters.first_month,
        filters.last_month,
        filters.jurisdiction.pk if filters.jurisdiction else "-",
        filters.appointment_type,
    )
    try:
        board = cache.get(key)
    except Exception:  # Redis down: computed each time
        logger.warning("statistics cache unavailable", exc_info=True)
        return dashboard(filters, months)
    if board is None:
        board = dashboard(filters, months)
        try:
            cache.set(key, board, timeout=6 * 3600)
        except Exception:
            logger.warning("statistics cache unavailable", exc_info=True)
    return board


PORTAL_FIGURES = {
    # figure: the people count it rests on (the small-number rule)
    "sign_ins": "people_signed_in",
    "people_signed_in": "people_signed_in",
    "person_messages": "people_writing",
    "team_messages": "people_writing",
    "change_requests": "people_requesting",
    "requests_excused": "people_requesting",
    "requests_rescheduled": "people_requesting",
    "requests_refused": "people_requesting",
}


def portal_use(filters: Filters, months: list[date]) -> list[dict]:
    """Use of the portal per month (all jurisdictions or the chosen one), small numbers hidden.

    People counts are summed over jurisdictions (a person followed in two counts twice)."""
    rows = PortalMonth.objects.filter(month__in=months)
    if filters.jurisdiction is not None:
        rows = rows.filter(jurisdiction=filters.jurisdiction)
    fields = sorted({*PORTAL_FIGURES, *PORTAL_FIGURES.values()})
    sums = {
        row["month"]: row
        for row in rows.values("month").annotate(**{name: Sum(name) for name in fields})
    }
    table = []
    for month in months:
        found = sums.get(month) or {}
        figures = {}
        for name, people in PORTAL_FIGURES.items():
            count = found.get(people) or 0
            figures[name] = None if 0 < count < SMALL_NUMBER else (found.get(name) or 0)
        table.append({"month": month, **figures})
    return table
