from celery import shared_task
from django.db import connection
from django.utils import timezone

from .models import Heartbeat


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
