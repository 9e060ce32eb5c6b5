"""Local dates of a jurisdiction: public holidays of its territory, local times to UTC."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

# holidays' French subdivisions: Alsace (67, 68), Moselle (57) and the overseas départements.
SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


def subdivisions_for(departements: list[str]) -> list[str | None]:
    found = sorted({SUBDIVISIONS[code] for code in departements if code in SUBDIVISIONS})
    return found or [None]


@lru_cache(maxsize=256)
def _holidays(subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.France(subdiv=subdivision, years=year, language="fr").keys())


def is_public_holiday(day: date, departements: list[str]) -> bool:
    return any(day in _holidays(sub, day.year) for sub in subdivisions_for(departements))


def holiday_name(day: date, departements: list[str]) -> str | None:
    for sub in subdivisions_for(departements):
        names = holidays.France(subdiv=sub, years=day.year, language="fr")
        if day in names:
            return names[day]
    return None


def local_datetime(day: date, at: time, zone) -> datetime:
    """An aware datetime for a local wall-clock time (DST gaps resolved forward by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=zone)


def is_open_day(day: date, departements: list[str], *, weekend_allowed: bool = False) -> bool:
    """A day the services receive people: not a public holiday, and a weekday unless allowed."""
    return (weekend_allowed or day.weekday() < 5) and not is_public_holiday(day, departements)


def open_days(start: date, departements: list[str], *, step: int = 1) -> Iterator[date]:
    """The open days from ``start`` (included) onwards, or backwards with ``step=-1``."""
    day = start
    while True:
        if is_open_day(day, departements):
            yield day
        day += timedelta(days=step)
