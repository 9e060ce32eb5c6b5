from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from jurisdiction_apps.notifications.timing import (
    QuietHours,
    immediate_send_time,
    reminder_send_time,
)

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
CAYENNE = ZoneInfo("America/Cayenne")
H48, H24 = timedelta(hours=48), timedelta(hours=24)


def at(zone, *args):
    return datetime(*args, tzinfo=zone)


def test_a_daytime_reminder_goes_exactly_48_hours_before():
    appointment = at(PARIS, 2027, 3, 10, 14, 30)
    now = at(PARIS, 2027, 3, 1, 10)
    assert reminder_send_time(appointment, H48, now, PARIS, summon_sent=True) == at(
        PARIS, 2027, 3, 8, 14, 30
    )


@pytest.mark.parametrize("month_day", [(3, 29), (11, 1)])
def test_48_hours_before_keeps_the_local_time_across_daylight_saving_changes(month_day):
    # Summer time starts 28 March 2027 and ends 31 October 2027: the reminder stays at 10:00
    # local, never an hour early (the previous system's defect).
    appointment = at(PARIS, 2027, *month_day, 10)
    now = at(PARIS, 2027, 3, 1, 9)
    sent = reminder_send_time(appointment, H48, now, PARIS, summon_sent=True)
    assert sent.astimezone(PARIS).time() == time(10)
    assert sent.astimezone(PARIS).date() == appointment.date() - timedelta(days=2)
    absolute = appointment.astimezone(ZoneInfo("UTC")) - sent
    assert absolute in (timedelta(hours=47), timedelta(hours=49))


@pytest.mark.parametrize(
    ("zone", "appointment_local", "expected_local"),
    [
        # 48 h reminder due at 07:00: moved to 08:00 the same day (still 47 h before).
        (PARIS, (2027, 3, 10, 7, 0), (2027, 3, 8, 8, 0)),
        # Overseas, in the jurisdiction's own time: 09:00 at La Réunion is 05:00 UTC.
        (REUNION, (2027, 3, 10, 7, 0), (2027, 3, 8, 8, 0)),
        (CAYENNE, (2027, 3, 10, 21, 0), (2027, 3, 8, 19, 59)),
    ],
)
def test_a_reminder_due_at_night_moves_to_the_nearest_allowed_time(
    zone, appointment_local, expected_local
):
    appointment = at(zone, *appointment_local)
    sent = reminder_send_time(appointment, H48, at(zone, 2027, 3, 1, 12), zone, summon_sent=True)
    assert sent == at(zone, *expected_local)
    assert not QuietHours().is_quiet(sent, zone)


def test_a_24h_reminder_moves_earlier_rather_than_less_than_24_hours_before():
    # Due Monday 07:30 (quiet): 08:00 would leave 23.5 h; Sunday 19:59 keeps more than 24 h.
    appointment = at(PARIS, 2027, 3, 9, 7, 30)
    sent = reminder_send_time(appointment, H24, at(PARIS, 2027, 3, 1, 12), PARIS, summon_sent=True)
    assert sent == at(PARIS, 2027, 3, 7, 19, 59)


def test_booked_closer_than_the_delay():
    now = at(PARIS, 2027, 3, 1, 10)
    tomorrow = at(PARIS, 2027, 3, 2, 9)
    assert reminder_send_time(tomorrow, H48, now, PARIS, summon_sent=True) is None
    assert reminder_send_time(tomorrow, H48, now, PARIS, summon_sent=False) == now
    late_evening = at(PARIS, 2027, 3, 1, 21)
    assert reminder_send_time(tomorrow, H48, late_evening, PARIS, summon_sent=False) == at(
        PARIS, 2027, 3, 2, 8
    )
    # the night ends after the appointment: no reminder at all
    early = at(PARIS, 2027, 3, 2, 7, 30)
    assert reminder_send_time(early, H48, late_evening, PARIS, summon_sent=False) is None


def test_an_immediate_message_created_at_night_waits_for_the_morning():
    assert immediate_send_time(at(PARIS, 2027, 3, 1, 23, 15), PARIS) == at(PARIS, 2027, 3, 2, 8)
    assert immediate_send_time(at(PARIS, 2027, 3, 2, 3), PARIS) == at(PARIS, 2027, 3, 2, 8)
    assert immediate_send_time(at(PARIS, 2027, 3, 2, 9), PARIS) == at(PARIS, 2027, 3, 2, 9)
    # 23:00 UTC is 03:00 at La Réunion: night there, even if it is evening in Paris.
    utc_evening = datetime(2027, 3, 1, 23, tzinfo=ZoneInfo("UTC"))
    assert immediate_send_time(utc_evening, REUNION) == at(REUNION, 2027, 3, 2, 8)


def test_quiet_hours_are_per_jurisdiction():
    late = QuietHours(start=time(21), end=time(9))
    assert immediate_send_time(at(PARIS, 2027, 3, 1, 20, 30), PARIS, late) == at(
        PARIS, 2027, 3, 1, 20, 30
    )
    assert immediate_send_time(at(PARIS, 2027, 3, 2, 8, 30), PARIS, late) == at(
        PARIS, 2027, 3, 2, 9
    )


def test_quiet_hours_within_one_day_are_honoured_too():
    """A jurisdiction may set a daytime pause (13:00-14:00): not only windows across midnight."""
    lunch = QuietHours(start=time(13, 0), end=time(14, 0))
    assert lunch.is_quiet(at(PARIS, 2027, 3, 2, 13, 30), PARIS)
    assert not lunch.is_quiet(at(PARIS, 2027, 3, 2, 14, 0), PARIS)
    assert not lunch.is_quiet(at(PARIS, 2027, 3, 2, 23, 0), PARIS)
    assert lunch.next_allowed(at(PARIS, 2027, 3, 2, 13, 30), PARIS) == at(PARIS, 2027, 3, 2, 14)
    assert lunch.previous_allowed(at(PARIS, 2027, 3, 2, 13, 30), PARIS) == at(
        PARIS, 2027, 3, 2, 12, 59
    )
