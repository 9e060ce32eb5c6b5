import logging
from zoneinfo import ZoneInfo

from celery import shared_task
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg import sql

from tenants.models import Jurisdiction
from tenants.wake import existing_schemas

from .models import Heartbeat

logger = logging.getLogger(__name__)


@shared_task(name="jurisdiction.heartbeat")
def heartbeat() -> int:
    """Write one heartbeat row in the current jurisdiction's schema, in its local time."""
    now = timezone.now()
    row = Heartbeat.objects.create(
        ran_at=now,
        schema_name=connection.schema_name,
        local_time=timezone.localtime(now).isoformat(timespec="seconds"),
        time_zone=timezone.get_current_timezone_name(),
        worker=heartbeat.request.hostname or "",
    )
    return row.pk


def _insert(schema: str, zone: str, now, worker: str) -> sql.Composed:
    return sql.SQL(
        "INSERT INTO {table} (ran_at, schema_name, local_time, time_zone, worker)"
        " VALUES ({ran_at}, {schema}, {local_time}, {zone}, {worker})"
    ).format(
        table=sql.Identifier(schema, Heartbeat._meta.db_table),
        ran_at=sql.Literal(now),
        schema=sql.Literal(schema),
        local_time=sql.Literal(now.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")),
        zone=sql.Literal(zone),
        worker=sql.Literal(worker),
    )


def _run(statement: sql.Composable) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.as_string(connection.connection))


@shared_task(name="platform.heartbeat")
def heartbeat_live_jurisdictions() -> int:
    """Write one heartbeat row in every live jurisdiction's schema, in its local time, from one
    national task (docs/adr/0019): one round trip instead of one task per jurisdiction. A schema
    that refuses its row (dropped meanwhile) does not stop the others."""
    now = timezone.now()
    worker = heartbeat_live_jurisdictions.request.hostname or ""
    live = list(Jurisdiction.objects.live().values_list("pk", "schema_name", "time_zone"))
    present = dict(existing_schemas([(j, s) for j, s, _ in live], (Heartbeat._meta.db_table,)))
    rows = [_insert(schema, zone, now, worker) for j, schema, zone in live if j in present]
    if not rows:
        return 0
    try:
        _run(sql.SQL("; ").join(rows))
        return len(rows)
    except DatabaseError:
        logger.warning("heartbeat: one statement failed, writing schema by schema", exc_info=True)
    written = 0
    for row in rows:
        try:
            _run(row)
            written += 1
        except DatabaseError:
            logger.warning("heartbeat: a schema refused its row", exc_info=True)
    return written
