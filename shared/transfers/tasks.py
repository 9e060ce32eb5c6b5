"""The beat entry of transfers (national, once): reminders, then automatic acceptances."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="platform.transfers_due")
def transfers_due() -> dict:
    reminded = services.send_reminders()
    accepted = services.accept_overdue()
    logger.info("transfers: %d reminder(s), %d automatic acceptance(s)", reminded, accepted)
    return {"reminded": reminded, "accepted": accepted}
