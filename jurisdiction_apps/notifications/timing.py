"""When an SMS may go out: quiet hours in the jurisdiction's local time, reminder placement.

Pure functions on aware datetimes; the zone is the jurisdiction's (``Jurisdiction.zone``).
Sending is allowed from ``quiet_end`` (default 08:00) to ``quiet_start`` (default 20:00) local
time. Appointment reminders are transactional: the night limit is our product choice (SMS.md).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINIMUM_REMINDER_NOTICE = timedelta(hours=24)


@dataclass(frozen=True)
class QuietHours:
    start: time = time(20, 0)  # nothing sent from...
    end: time = time(8, 0)  # ...until

    @property
    def spans_midnight(self) -> bool:
        return self.start > self.end

    def is_quiet(self, moment: datetime, zone: ZoneInfo) -> bool:
        local = moment.astimezone(zone).time()
        if self.spans_midnight:
            return local >= self.start or local < self.end
        return self.start <= local < self.end

    def next_allowed(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """``moment`` itself if allowed, else the end of this quiet period."""
        if not self.is_quiet(moment, zone):
            return moment
        local = moment.astimezone(zone)
        day = local.date()
        if self.spans_midnight and local.time() >= self.end:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=zone)

    def previous_allowed(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """``moment`` itself if allowed, else the last minute before this quiet period began."""
        if not self.is_quiet(moment, zone):
            return moment
        local = moment.astimezone(zone)
        day = local.date()
        if self.spans_midnight and local.time() < self.start:
            day -= timedelta(days=1)
        return datetime.combine(day, self.start, tzinfo=zone) - timedelta(minutes=1)


def quiet_hours_of(jurisdiction) -> QuietHours:
    """The quiet hours a jurisdiction chose (its ``sms_quiet_start`` and ``sms_quiet_end``)."""
    return QuietHours(start=jurisdiction.sms_quiet_start, end=jurisdiction.sms_quiet_end)


def immediate_send_time(now: datetime, zone: ZoneInfo, quiet: QuietHours = QuietHours()):
    """A message created now (summon, cancellation...) waits for the morning if it is night."""
    return quiet.next_allowed(now, zone)


def reminder_send_time(
    appointment_at: datetime,
    delay: timedelta,
    now: datetime,
    zone: ZoneInfo,
    quiet: QuietHours = QuietHours(),
    *,
    summon_sent: bool,
) -> datetime | None:
    """When the reminder of an appointment goes out, or None when it should not.

    - Due ``delay`` before the appointment on the local clock: "48 h before" a Tuesday 10:00
      appointment is Sunday 10:00 local time, also across a daylight-saving change (the previous
      system's absolute arithmetic sent reminders an hour early then).
    - Due during quiet hours: moved to the nearest allowed time that keeps it at least 24 h
      before the appointment when possible, else to the nearest allowed time before it.
    - Booked closer than the delay: none when a summon goes out now, otherwise now (or at the
      end of the night), as long as that is still before the appointment.
    """
    # Wall-clock arithmetic in the jurisdiction's zone, then absolute (UTC) comparisons.
    due = (appointment_at.astimezone(zone) - delay).astimezone(UTC)
    appointment_at, now = appointment_at.astimezone(UTC), now.astimezone(UTC)
    if due <= now:
        if summon_sent:
            return None
        moment = quiet.next_allowed(now, zone).astimezone(UTC)
        return moment if moment < appointment_at else None
    if not quiet.is_quiet(due, zone):
        return due
    later = quiet.next_allowed(due, zone).astimezone(UTC)
    earlier = quiet.previous_allowed(due, zone).astimezone(UTC)
    candidates = [c for c in (later, earlier) if now <= c < appointment_at]
    if not candidates:
        return None
    keeping_notice = [c for c in candidates if appointment_at - c >= MINIMUM_REMINDER_NOTICE]
    pool = keeping_notice or candidates
    return min(pool, key=lambda c: abs(c - due))
