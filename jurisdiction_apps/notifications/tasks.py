from celery import shared_task

from . import sending


@shared_task(name="jurisdiction.sms_sweep")
def sms_sweep() -> int:
    """Claim the due messages of the current jurisdiction and hand them to send_batch."""
    return sending.sweep()


@shared_task(name=sending.SEND_BATCH)
def send_batch(ids: list[int]) -> int:
    """Send queued messages. Redelivered by the broker, it finds them no longer queued: no-op."""
    return sending.send_batch(ids).sent
