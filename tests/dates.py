"""Days and times for tests that must pass at any instant (``TEST_CLOCK``, ``make test-clock``).

"In two days" may be a Sunday or a public holiday, "today at 10:00" may already be past, a month
may have 28 days, and a Friday 23:30 in Paris is already Saturday at La Réunion (the jurisdiction
``beta``). A test asks here for the day it means, in the jurisdiction's own calendar, instead of
counting days from now.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jurisdiction_apps.scheduling import territory


def local_now(jurisdiction) -> datetime:
    """Now on the jurisdiction's wall clock."""
    return timezone.localtime(timezone.now(), jurisdiction.zone)


def local_today(jurisdiction) -> date:
    """Today in the jurisdiction's time zone (La Réunion's today may be Paris's tomorrow)."""
    return local_now(jurisdiction).date()


def at(jurisdiction, day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` on the jurisdiction's wall clock on ``day``, as an aware datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=jurisdiction.zone)


def open_day(
    jurisdiction, days_ahead: int = 1, *, after: date | None = None, weekend_allowed: bool = False
) -> date:
    """The first open day of ``jurisdiction`` (``territory.is_open_day``: no weekend unless
    allowed, no public holiday of its territory) at least ``days_ahead`` days after ``after``
    (default: the jurisdiction's today)."""
    day = (after or local_today(jurisdiction)) + timedelta(days=days_ahead)
    while not territory.is_open_day(
        day, jurisdiction.departement_list, weekend_allowed=weekend_allowed
    ):
        day += timedelta(days=1)
    return day


def open_day_at(
    jurisdiction, hour: int = 10, minute: int = 0, *, days_ahead: int = 1, **options
) -> datetime:
    """``hour:minute`` local time on ``open_day(jurisdiction, days_ahead)``: always in the
    future when ``days_ahead`` is at least 1, whatever the hour now."""
    return at(jurisdiction, open_day(jurisdiction, days_ahead, **options), hour, minute)


def weekend_day(jurisdiction, days_ahead: int = 1) -> date:
    """The first Saturday or Sunday at least ``days_ahead`` days after the jurisdiction's today."""
    day = local_today(jurisdiction) + timedelta(days=days_ahead)
    while day.weekday() < 5:
        day += timedelta(days=1)
    return day


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 28 February for a 29 February whose year has none."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
