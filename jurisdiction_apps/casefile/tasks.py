from celery import shared_task

from . import retention


@shared_task(name="jurisdiction.retention")
def retention_job() -> dict:
    """The nightly retention job in the current jurisdiction (sent by platform.retention_nightly
    to every jurisdiction); returns the counts per category, never who."""
    return retention.run().counts
