"""Which live jurisdictions the SMS sweep must wake (docs/adr/0019, tenants/wake.py).

Exactly what ``sending.sweep`` would find: created messages due (first sends and retries, whose
backoff is a later ``due_at``), queued ones whose task was lost, sending ones left by a dead
worker. Each branch reads a partial index of the schema's own table (``message_due``,
``message_in_flight``): an idle jurisdiction costs two index probes that find nothing.
"""

from datetime import timedelta

from django.conf import settings

from tenants.wake import register_finder, schema_condition

from .constants import MessageState
from .models import Message

TABLE = Message._meta.db_table

SWEEP_WORK = schema_condition(
    tables=(TABLE,),
    condition=(
        f"EXISTS (SELECT FROM {{schema}}.{TABLE}"
        " WHERE state = %(created)s AND due_at <= %(now)s)"
        # Both timeouts in one scan of the in-flight index (fewer subplans: planning is most of
        # the query's time with hundreds of schemas).
        f" OR EXISTS (SELECT FROM {{schema}}.{TABLE} WHERE state IN (%(queued)s, %(sending)s)"
        " AND (state = %(queued)s AND queued_at < %(queued_stale)s"
        " OR state = %(sending)s AND sending_at < %(sending_stale)s))"
    ),
    params=lambda now: {
        "now": now,
        "created": MessageState.CREATED,
        "queued": MessageState.QUEUED,
        "sending": MessageState.SENDING,
        "queued_stale": now - timedelta(seconds=settings.SMS_QUEUED_TIMEOUT_SECONDS),
        "sending_stale": now - timedelta(seconds=settings.SMS_SENDING_TIMEOUT_SECONDS),
    },
)


def register() -> None:
    register_finder("jurisdiction.sms_sweep", SWEEP_WORK)
