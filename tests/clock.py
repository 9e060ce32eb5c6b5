"""Run the whole suite at another instant: ``TEST_CLOCK`` moves the clock of the test process.

``make test-clock`` runs the suite at the instants that once broke it (a Friday night in Paris, a
Saturday). ``TEST_CLOCK`` takes an ISO datetime with its offset (``2027-03-28T02:30+02:00``) or a
weekday and a Paris time (``friday 23:30``: the next such instant from now). The clock keeps
ticking from there (time-machine), so timeouts and durations behave as usual. PostgreSQL's own
``now()`` (the audit triggers' timestamps) is not moved.
"""

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def resolve(value: str, now: datetime | None = None) -> datetime:
    """The instant a ``TEST_CLOCK`` value names (ValueError when it names none)."""
    words = value.strip().lower().split()
    if len(words) == 2 and words[0] in WEEKDAYS:
        hour, minute = (int(part) for part in words[1].split(":"))
        now = (now or datetime.now(PARIS)).astimezone(PARIS)
        day = now.date() + timedelta(days=(WEEKDAYS.index(words[0]) - now.weekday()) % 7 or 7)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)
    instant = datetime.fromisoformat(value.strip())
    if instant.tzinfo is None:
        raise ValueError("TEST_CLOCK needs an offset or a weekday with a Paris time")
    return instant


def start_from_environment():
    """Start travelling to ``TEST_CLOCK`` if it is set; returns the traveller (or None)."""
    value = os.environ.get("TEST_CLOCK", "").strip()
    if not value:
        return None
    import time_machine

    traveller = time_machine.travel(resolve(value), tick=True)
    traveller.start()
    return traveller
