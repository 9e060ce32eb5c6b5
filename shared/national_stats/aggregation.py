"""Compute one jurisdiction's aggregates from its own schema and write them in the public schema.

``refresh(jurisdiction, first_day, last_day)`` replaces, in one transaction, the jurisdiction's
day rows of that window and its month rows of every month the window touches (months are always
recomputed whole, from the source rows). Days are local to the jurisdiction. A few GROUP BY
queries per table, whatever the window: refreshing a month costs about what a day costs.

GROUPING SETS add the rows "every type" (and "every kind" of SMS), marked ``ALL``: their
distinct-people counts are exact, where adding the rows of each type would count a person with
two types twice.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.constants import MessageState
from jurisdiction_apps.portal.constants import Author, ChangeRequestState
from jurisdiction_apps.scheduling.constants import AppointmentState
from shared.retention.services import has_erased_people

from .constants import ALL, DELAY_BUCKETS
from .models import (
    AppointmentDay,
    AppointmentMonth,
    FollowedDay,
    MessageDay,
    MessageMonth,
    PortalMonth,
    Refresh,
)

# How every state of the tenant apps is counted. The SQL below reads the states through these
# parameters, never typed by hand; a state added to an app without a line here fails
# tests/national_stats/test_aggregation.py (test_every_state_of_the_tenant_apps_is_counted).
APPOINTMENT_STATES = {
    AppointmentState.FULFILLED: "fulfilled",
    AppointmentState.NO_SHOW: "missed",
    AppointmentState.EXCUSED: "excused",
    AppointmentState.CANCELLED: "cancelled, or rescheduled when a new appointment replaces it",
    AppointmentState.BOOKED: "pending (no outcome yet)",
}
MESSAGE_STATES = {
    MessageState.CREATED: "created (every message)",
    MessageState.QUEUED: "created",
    MessageState.SENDING: "created",
    MessageState.SENT: "sent (sent_at)",
    MessageState.DELIVERED: "sent and delivered (delivered_at)",
    MessageState.FAILED: "failed",
    MessageState.CANCELLED: "cancelled",
    MessageState.NOT_SENDABLE: "not_sendable",
}
CHANGE_REQUEST_STATES = {
    ChangeRequestState.OPEN: "asked (every request)",
    ChangeRequestState.EXCUSED: "excused",
    ChangeRequestState.RESCHEDULED: "rescheduled",
    ChangeRequestState.REFUSED: "refused",
}
MESSAGE_AUTHORS = {Author.PERSON: "from_people", Author.TEAM: "from_team"}
STATE_PARAMS = {
    "a_fulfilled": AppointmentState.FULFILLED,
    "a_no_show": AppointmentState.NO_SHOW,
    "a_excused": AppointmentState.EXCUSED,
    "a_cancelled": AppointmentState.CANCELLED,
    "a_booked": AppointmentState.BOOKED,
    "m_failed": MessageState.FAILED,
    "m_not_sendable": MessageState.NOT_SENDABLE,
    "m_cancelled": MessageState.CANCELLED,
    "r_excused": ChangeRequestState.EXCUSED,
    "r_rescheduled": ChangeRequestState.RESCHEDULED,
    "r_refused": ChangeRequestState.REFUSED,
    "author_person": Author.PERSON,
    "author_team": Author.TEAM,
}

OUTCOMES_SQL = """
SELECT date_trunc(%(grain)s, a.starts_at AT TIME ZONE %(tz)s)::date AS period,
       t.code, t.label, t.service_kind,
       count(*) FILTER (WHERE a.state = %(a_fulfilled)s),
       count(*) FILTER (WHERE a.state = %(a_no_show)s),
       count(*) FILTER (WHERE a.state = %(a_excused)s),
       count(*) FILTER (WHERE a.state = %(a_cancelled)s AND r.id IS NULL),
       count(*) FILTER (WHERE a.state = %(a_cancelled)s AND r.id IS NOT NULL),
       count(*) FILTER (WHERE a.state = %(a_booked)s),
       count(DISTINCT a.person_id),
       count(DISTINCT a.person_id) FILTER (WHERE a.state IN (%(a_fulfilled)s, %(a_no_show)s))
FROM scheduling_appointment a
JOIN organisation_appointmenttype t ON t.id = a.appointment_type_id
LEFT JOIN scheduling_appointment r ON r.replaces_id = a.id
WHERE a.starts_at >= %(start)s AND a.starts_at < %(end)s
GROUP BY GROUPING SETS ((1, 2, 3, 4), (1))
"""

BOOKINGS_SQL = """
SELECT date_trunc(%(grain)s, a.created_at AT TIME ZONE %(tz)s)::date AS period,
       t.code, t.label, t.service_kind,
       LEAST(GREATEST((a.starts_at AT TIME ZONE %(tz)s)::date
                      - (a.created_at AT TIME ZONE %(tz)s)::date, 0), %(last_bucket)s),
       count(*)
FROM scheduling_appointment a
JOIN organisation_appointmenttype t ON t.id = a.appointment_type_id
WHERE a.created_at >= %(start)s AND a.created_at < %(end)s
GROUP BY GROUPING SETS ((1, 2, 3, 4, 5), (1, 5))
"""

PEOPLE_BOOKED_SQL = """
SELECT date_trunc(%(grain)s, a.created_at AT TIME ZONE %(tz)s)::date AS period,
       t.code, t.label, t.service_kind, count(DISTINCT a.person_id)
FROM scheduling_appointment a
JOIN organisation_appointmenttype t ON t.id = a.appointment_type_id
WHERE a.created_at >= %(start)s AND a.created_at < %(end)s
GROUP BY GROUPING SETS ((1, 2, 3, 4), (1))
"""

MESSAGES_SQL = """
SELECT date_trunc(%(grain)s, m.created_at AT TIME ZONE %(tz)s)::date AS period,
       t.code, m.kind,
       count(*),
       count(*) FILTER (WHERE m.sent_at IS NOT NULL),
       count(*) FILTER (WHERE m.delivered_at IS NOT NULL),
       count(*) FILTER (WHERE m.state = %(m_failed)s),
       count(*) FILTER (WHERE m.state = %(m_not_sendable)s),
       count(*) FILTER (WHERE m.state = %(m_cancelled)s),
       count(DISTINCT m.person_id)
FROM notifications_message m
JOIN scheduling_appointment a ON a.id = m.appointment_id
JOIN organisation_appointmenttype t ON t.id = a.appointment_type_id
WHERE m.created_at >= %(start)s AND m.created_at < %(end)s
GROUP BY GROUPING SETS ((1, 2, 3), (1, 2), (1, 3), (1))
"""

FOLLOWED_SQL = """
SELECT d::date,
       (SELECT count(*) FROM people_person p
        WHERE p.created_at < ((d + interval '1 day') AT TIME ZONE %(tz)s)
          AND (p.archived_at IS NULL
               OR p.archived_at >= ((d + interval '1 day') AT TIME ZONE %(tz)s))
          AND (p.transferred_at IS NULL
               OR p.transferred_at >= ((d + interval '1 day') AT TIME ZONE %(tz)s)))
FROM generate_series(%(first)s::timestamp, %(last)s::timestamp, interval '1 day') AS d
"""


@dataclass
class RefreshReport:
    first_day: date
    last_day: date
    months: list[date]
    rows: int
    seconds: float


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_between(first_day: date, last_day: date) -> list[date]:
    months, month = [], month_start(first_day)
    while month <= last_day:
        months.append(month)
        month = next_month(month)
    return months


def _bounds(zone: ZoneInfo, first_day: date, end_day_exclusive: date) -> dict:
    return {
        "start": datetime.combine(first_day, dtime.min, tzinfo=zone),
        "end": datetime.combine(end_day_exclusive, dtime.min, tzinfo=zone),
    }


def _fetch(cursor, sql: str, params: dict) -> list[tuple]:
    cursor.execute(sql, {**STATE_PARAMS, **params})
    return cursor.fetchall()


def _appointment_rows(cursor, model, field, grain, params, jurisdiction_id) -> list:
    rows: dict[tuple, object] = {}

    def row(period, code, label, kind):
        code, label, kind = code or ALL, label or "Tous les types", kind or ALL
        key = (period, code, kind)
        if key not in rows:
            rows[key] = model(
                jurisdiction_id=jurisdiction_id,
                appointment_type=code,
                appointment_type_label=label,
                service_kind=kind,
                **{field: period},
            )
        return rows[key]

    for period, code, label, kind, *counts in _fetch(
        cursor, OUTCOMES_SQL, {**params, "grain": grain}
    ):
        target = row(period, code, label, kind)
        (
            target.fulfilled,
            target.missed,
            target.excused,
            target.cancelled,
            target.rescheduled,
            target.pending,
            target.people,
            target.people_outcome,
        ) = counts
    for period, code, label, kind, delay, count in _fetch(
        cursor, BOOKINGS_SQL, {**params, "grain": grain, "last_bucket": DELAY_BUCKETS - 1}
    ):
        target = row(period, code, label, kind)
        target.booked += count
        target.delays[delay] += count
    for period, code, label, kind, people in _fetch(
        cursor, PEOPLE_BOOKED_SQL, {**params, "grain": grain}
    ):
        row(period, code, label, kind).people_booked = people
    return list(rows.values())


def _message_rows(cursor, model, field, grain, params, jurisdiction_id) -> list:
    return [
        model(
            jurisdiction_id=jurisdiction_id,
            appointment_type=code or ALL,
            kind=kind or ALL,
            created=created,
            sent=sent,
            delivered=delivered,
            failed=failed,
            not_sendable=not_sendable,
            cancelled=cancelled,
            people=people,
            **{field: period},
        )
        for (
            period,
            code,
            kind,
            created,
            sent,
            delivered,
            failed,
            not_sendable,
            cancelled,
            people,
        ) in _fetch(cursor, MESSAGES_SQL, {**params, "grain": grain})
    ]


PORTAL_SQL = """
WITH sign_ins AS (
    SELECT date_trunc('month', at AT TIME ZONE %(tz)s)::date AS month,
           count(*) AS sign_ins, count(DISTINCT person_id) AS people
    FROM portal_signin WHERE at >= %(start)s AND at < %(end)s GROUP BY 1
), messages AS (
    SELECT date_trunc('month', created_at AT TIME ZONE %(tz)s)::date AS month,
           count(*) FILTER (WHERE author = %(author_person)s) AS from_people,
           count(*) FILTER (WHERE author = %(author_team)s) AS from_team,
           count(DISTINCT person_id) FILTER (WHERE author = %(author_person)s) AS people
    FROM portal_portalmessage WHERE created_at >= %(start)s AND created_at < %(end)s GROUP BY 1
), requests AS (
    SELECT date_trunc('month', created_at AT TIME ZONE %(tz)s)::date AS month,
           count(*) AS asked,
           count(*) FILTER (WHERE state = %(r_excused)s) AS excused,
           count(*) FILTER (WHERE state = %(r_rescheduled)s) AS rescheduled,
           count(*) FILTER (WHERE state = %(r_refused)s) AS refused,
           count(DISTINCT person_id) AS people
    FROM portal_changerequest WHERE created_at >= %(start)s AND created_at < %(end)s GROUP BY 1
)
SELECT month,
       coalesce(s.sign_ins, 0), coalesce(s.people, 0),
       coalesce(m.from_people, 0), coalesce(m.from_team, 0), coalesce(m.people, 0),
       coalesce(r.asked, 0), coalesce(r.excused, 0), coalesce(r.rescheduled, 0),
       coalesce(r.refused, 0), coalesce(r.people, 0)
FROM sign_ins s FULL JOIN messages m USING (month) FULL JOIN requests r USING (month)
"""


def _portal_rows(cursor, params, jurisdiction_id) -> list:
    return [
        PortalMonth(
            jurisdiction_id=jurisdiction_id,
            month=row[0],
            sign_ins=row[1],
            people_signed_in=row[2],
            person_messages=row[3],
            team_messages=row[4],
            people_writing=row[5],
            change_requests=row[6],
            requests_excused=row[7],
            requests_rescheduled=row[8],
            requests_refused=row[9],
            people_requesting=row[10],
        )
        for row in _fetch(cursor, PORTAL_SQL, params)
    ]


def refresh(jurisdiction, first_day: date, last_day: date) -> RefreshReport:
    """Recompute ``jurisdiction``'s day rows of [first_day, last_day] and the month rows of the
    months they touch. Runs in the jurisdiction's schema; writes in the public schema."""
    if last_day < first_day:
        raise ValueError("last_day before first_day")
    started = time.perf_counter()
    zone = ZoneInfo(jurisdiction.time_zone)
    months = months_between(first_day, last_day)
    day_params = {"tz": jurisdiction.time_zone, **_bounds(zone, first_day, last_day + timedelta(1))}
    month_params = {
        "tz": jurisdiction.time_zone,
        **_bounds(zone, months[0], next_month(months[-1])),
    }
    with tenant_context(jurisdiction), transaction.atomic(), connection.cursor() as cursor:
        # One refresh of a jurisdiction at a time (beat, a rebuild, a retried task).
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7001, jurisdiction.pk])
        j = jurisdiction.pk
        day_rows = _appointment_rows(cursor, AppointmentDay, "day", "day", day_params, j)
        month_rows = _appointment_rows(cursor, AppointmentMonth, "month", "month", month_params, j)
        message_days = _message_rows(cursor, MessageDay, "day", "day", day_params, j)
        message_months = _message_rows(cursor, MessageMonth, "month", "month", month_params, j)
        portal_months = _portal_rows(cursor, month_params, j)
        followed = [
            FollowedDay(jurisdiction_id=j, day=day, people_followed=count)
            for day, count in _fetch(
                cursor,
                FOLLOWED_SQL,
                {"tz": jurisdiction.time_zone, "first": first_day, "last": last_day},
            )
        ]
        in_days = {"jurisdiction_id": j, "day__range": (first_day, last_day)}
        in_months = {"jurisdiction_id": j, "month__in": months}
        for model, where, rows in (
            (AppointmentDay, in_days, day_rows),
            (AppointmentMonth, in_months, month_rows),
            (MessageDay, in_days, message_days),
            (MessageMonth, in_months, message_months),
            (PortalMonth, in_months, portal_months),
            (FollowedDay, in_days, followed),
        ):
            model.objects.filter(**where).delete()
            model.objects.bulk_create(rows, batch_size=2000)
        seconds = time.perf_counter() - started
        Refresh.objects.update_or_create(
            jurisdiction_id=j,
            defaults={
                "refreshed_at": timezone.now(),
                "first_day": first_day,
                "last_day": last_day,
                "seconds": seconds,
            },
        )
    count = len(day_rows) + len(month_rows) + len(message_days) + len(message_months)
    count += len(portal_months)
    return RefreshReport(first_day, last_day, months, count + len(followed), seconds)


def local_today(jurisdiction) -> date:
    return timezone.localdate(timezone.now(), ZoneInfo(jurisdiction.time_zone))


def first_activity_day(jurisdiction) -> date | None:
    """The first local day with an appointment, a booking or a person, for a rebuild."""
    with tenant_context(jurisdiction), connection.cursor() as cursor:
        cursor.execute(
            "SELECT least((SELECT min(starts_at) FROM scheduling_appointment),"
            " (SELECT min(created_at) FROM scheduling_appointment),"
            " (SELECT min(created_at) FROM people_person))"
        )
        (first,) = cursor.fetchone()
    return timezone.localdate(first, ZoneInfo(jurisdiction.time_zone)) if first else None


def rebuild(
    jurisdiction, since: date | None = None, *, recompute_erased: bool = False
) -> list[RefreshReport]:
    """Recompute a jurisdiction's whole history (month by month) from its own data.

    Once the jurisdiction has erased people (retention, issue 18), the months already computed
    are kept as they are: their source rows may be gone, and national figures do not change when
    people are erased. ``recompute_erased`` recomputes them anyway (the erased people drop out).
    """
    first = since or first_activity_day(jurisdiction)
    today = local_today(jurisdiction)
    if first is None or first > today:
        return []
    kept = set()
    if not recompute_erased and has_erased_people(jurisdiction):
        mine = {"jurisdiction_id": jurisdiction.pk}
        kept = set(AppointmentMonth.objects.filter(**mine).values_list("month", flat=True))
        kept |= {
            day.replace(day=1)
            for day in FollowedDay.objects.filter(**mine).values_list("day", flat=True)
        }
    reports = []
    for month in months_between(first, today):
        if month in kept:
            continue
        start = max(month, first)
        end = min(next_month(month) - timedelta(days=1), today)
        reports.append(refresh(jurisdiction, start, end))
    return reports
