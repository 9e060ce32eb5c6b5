from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection

from .aggregation import local_today, refresh


@shared_task(name="jurisdiction.refresh_statistics")
def refresh_statistics() -> int:
    """Recompute the current jurisdiction's last STATS_REFRESH_DAYS days (outcomes are recorded
    and receipts arrive after the day), idempotently."""
    jurisdiction = connection.tenant
    today = local_today(jurisdiction)
    report = refresh(jurisdiction, today - timedelta(days=settings.STATS_REFRESH_DAYS), today)
    return report.rows
