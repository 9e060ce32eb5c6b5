"""The last activity of each jurisdiction, read from the public-schema day rows (no schema is
visited): the last day an appointment was booked, the last day an SMS was sent, and when the
figures were last computed. The national console shows it (the composition root hands this
function to the console's view: the two apps do not import each other)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max

from .constants import ALL
from .models import AppointmentDay, MessageDay, Refresh


@dataclass
class Activity:
    last_booking: date | None = None
    last_sms: date | None = None
    refreshed_at: datetime | None = None


def last_activity(jurisdiction_ids) -> dict[int, Activity]:
    """Three grouped queries over the day rows "every type", whatever the number of
    jurisdictions."""
    ids = list(jurisdiction_ids)
    found = {pk: Activity() for pk in ids}
    bookings = (
        AppointmentDay.objects.filter(
            jurisdiction_id__in=ids, appointment_type=ALL, service_kind=ALL, booked__gt=0
        )
        .values("jurisdiction_id")
        .annotate(last=Max("day"))
    )
    for row in bookings:
        found[row["jurisdiction_id"]].last_booking = row["last"]
    messages = (
        MessageDay.objects.filter(
            jurisdiction_id__in=ids, appointment_type=ALL, kind=ALL, sent__gt=0
        )
        .values("jurisdiction_id")
        .annotate(last=Max("day"))
    )
    for row in messages:
        found[row["jurisdiction_id"]].last_sms = row["last"]
    for pk, refreshed_at in Refresh.objects.filter(jurisdiction_id__in=ids).values_list(
        "jurisdiction_id", "refreshed_at"
    ):
        found[pk].refreshed_at = refreshed_at
    return found
