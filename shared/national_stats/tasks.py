from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection

from .aggregation import local_today, refresh
from .models import Refresh
from .wake import source_writes


@shared_task(name="jurisdiction.refresh_statistics")
def refresh_statistics() -> int:
    """Recompute the current jurisdiction's last STATS_REFRESH_DAYS days (outcomes are recorded
    and receipts arrive after the day), idempotently. Beat wakes only the jurisdictions whose
    source tables were written since (wake.py): the count of writes is taken before reading."""
    jurisdiction = connection.tenant
    writes = source_writes([(jurisdiction.pk, jurisdiction.schema_name)]).get(jurisdiction.pk)
    today = local_today(jurisdiction)
    report = refresh(jurisdiction, today - timedelta(days=settings.STATS_REFRESH_DAYS), today)
    Refresh.objects.filter(jurisdiction_id=jurisdiction.pk).update(source_writes=writes)
    return report.rows
