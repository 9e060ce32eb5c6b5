"""The nightly retention job's beat entry: the national part (expired sessions, the API's
Idempotency-Key rows older than 24 h), then the fan-out of ``jurisdiction.retention`` to every
jurisdiction (ADR 0004)."""

import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from tenants.api import idempotency
from tenants.tasks import run_in_every_jurisdiction

logger = logging.getLogger(__name__)

JURISDICTION_TASK = "jurisdiction.retention"


@shared_task(name="platform.retention_nightly")
def retention_nightly() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("retention: %d expired session(s) deleted", deleted)
    keys = idempotency.purge_expired()
    logger.info("retention: %d expired idempotency key(s) deleted", keys)
    return run_in_every_jurisdiction(JURISDICTION_TASK)
