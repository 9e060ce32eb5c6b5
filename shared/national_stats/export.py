"""The CSV export of the console: one line per period, jurisdiction and type, streamed from a
server-side cursor (a day grain over years is millions of lines). Small numbers are hidden."""

from django.db import connection

from .aggregation import next_month
from .constants import SMALL_NUMBER
from .queries import Filters

HEADER = [
    "période",
    "juridiction",
    "type de rendez-vous",
    "convocations planifiées",
    "honorées",
    "manquées",
    "excusées",
    "annulées",
    "reportées",
    "taux de présence (%)",
    "SMS envoyés",
    "SMS reçus",
    "SMS en échec",
    "taux de réception (%)",
]

SQL = """
SELECT a.{period}, j.slug, a.appointment_type_label, a.booked, a.fulfilled, a.missed, a.excused,
       a.cancelled, a.rescheduled, GREATEST(a.people, a.people_booked), a.people_outcome,
       m.sent, m.delivered, m.failed, m.people
FROM {appointments} a
JOIN tenants_jurisdiction j ON j.id = a.jurisdiction_id
LEFT JOIN {messages} m ON m.jurisdiction_id = a.jurisdiction_id AND m.{period} = a.{period}
     AND m.appointment_type = a.appointment_type AND m.kind = '*'
WHERE a.{period} >= %s AND a.{period} < %s AND a.appointment_type = %s
  AND (a.appointment_type <> '*' OR a.service_kind = '*') {jurisdiction}
ORDER BY a.{period}, j.slug
"""


def _rate(part, whole):
    return f"{100 * part / whole:.1f}".replace(".", ",") if whole else ""


def csv_rows(filters: Filters, grain: str):

    day = grain == "jour"
    sql = SQL.format(
        period="day" if day else "month",
        appointments="national_stats_appointmentday" if day else "national_stats_appointmentmonth",
        messages="national_stats_messageday" if day else "national_stats_messagemonth",
        jurisdiction="AND a.jurisdiction_id = %s" if filters.jurisdiction else "",
    )
    params = [filters.first_month, next_month(filters.last_month), filters.appointment_type]
    if filters.jurisdiction:
        params.append(filters.jurisdiction.pk)
    yield HEADER
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            for row in rows:
                yield _line(row, day)


def _line(row, day: bool) -> list:
    (period, slug, label, booked, fulfilled, missed, excused, cancelled, rescheduled,
     people, people_outcome, sent, delivered, failed, people_sms) = row  # fmt: skip
    period = period.isoformat() if day else f"{period:%Y-%m}"
    # Zero people reveals no one: only 1 to SMALL_NUMBER - 1 people hide a figure.
    if 0 < people < SMALL_NUMBER:
        return [period, slug, label, *["< 10 pers."] * 11]
    attendance = "" if 0 < people_outcome < SMALL_NUMBER else _rate(fulfilled, fulfilled + missed)
    sms_hidden = 0 < (people_sms or 0) < SMALL_NUMBER
    sms = ["< 10 pers."] * 4 if sms_hidden else [sent, delivered, failed, _rate(delivered, sent)]
    return [
        period,
        slug,
        label,
        booked,
        fulfilled,
        missed,
        excused,
        cancelled,
        rescheduled,
        attendance,
        *sms,
    ]
