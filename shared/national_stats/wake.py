"""Which jurisdictions the hourly statistics refresh must wake (docs/adr/0019).

The refresh recomputes a window of recent days from a few tables of the schema. Recomputing it
changes nothing unless one of those tables was written since the last refresh, or the local day
changed (a new day row of people followed, the window moving on). PostgreSQL already counts the
rows written in every table (``pg_stat_get_tuples_inserted``/``updated``/``deleted``, shared
memory, no table read): the refresh stores their sum taken *before* it reads, and the finder wakes
a jurisdiction when the sum differs (a write, or counters reset by a crash or
``pg_stat_reset``), when its local day is past the last refreshed day, or when it was never
refreshed. A write not yet reported to the counters (PostgreSQL reports within seconds) is
picked up at the next tick, as a write made just after a tick always was.
"""

from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import AppointmentType
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.models import ChangeRequest, PortalMessage, SignIn
from jurisdiction_apps.scheduling.models import Appointment
from tenants.models import Jurisdiction
from tenants.wake import register_finder

from .models import Refresh

# Every table aggregation.py reads.
SOURCE_TABLES = tuple(
    model._meta.db_table
    for model in (
        Appointment,
        AppointmentType,
        Message,
        Person,
        SignIn,
        PortalMessage,
        ChangeRequest,
    )
)

WRITES_SQL = """
SELECT j.id, sum(pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid)
                 + pg_stat_get_tuples_deleted(c.oid))::bigint
FROM unnest(%s::bigint[], %s::text[]) AS j(id, schema)
CROSS JOIN unnest(%s::text[]) AS t(name)
JOIN LATERAL (SELECT to_regclass(quote_ident(j.schema) || '.' || quote_ident(t.name)) AS oid) c
  ON c.oid IS NOT NULL
GROUP BY j.id
"""


def source_writes(jurisdictions: list[tuple[int, str]]) -> dict[int, int]:
    """Rows written so far in the source tables of each schema (absent: no such schema)."""
    if not jurisdictions:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            WRITES_SQL,
            [[j for j, _ in jurisdictions], [s for _, s in jurisdictions], list(SOURCE_TABLES)],
        )
        return dict(cursor.fetchall())


def statistics_work(jurisdictions: list[tuple[int, str]], now) -> set[int]:
    writes = source_writes(jurisdictions)
    ids = list(writes)  # only schemas that exist
    done = {r.jurisdiction_id: r for r in Refresh.objects.filter(jurisdiction_id__in=ids)}
    zones = dict(Jurisdiction.objects.filter(pk__in=ids).values_list("pk", "time_zone"))
    found = set()
    for jurisdiction_id in ids:
        last = done.get(jurisdiction_id)
        if (
            last is None
            or last.source_writes != writes[jurisdiction_id]
            or last.last_day < timezone.localdate(now, ZoneInfo(zones[jurisdiction_id]))
        ):
            found.add(jurisdiction_id)
    return found


def register() -> None:
    register_finder("jurisdiction.refresh_statistics", statistics_work)
