"""The worker's part of a creation: the jurisdiction, its schema (cloned) and its logo, all or
nothing (tasks.py runs it; services.request_creation queues it)."""

import base64
import logging
import time
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from onboarding.constants import CreationState
from onboarding.models import CreationRequest
from tenants.models import Jurisdiction
from tenants.services import JurisdictionSpec, create_jurisdiction

logger = logging.getLogger(__name__)


def save_logo(jurisdiction: Jurisdiction, ext: str, content: bytes) -> None:
    """Write an already checked logo into the jurisdiction's media folder and point its ``logo``
    field at it; the caller saves the row."""
    with tenant_context(jurisdiction):
        jurisdiction.logo.save(
            f"logo-{uuid.uuid4().hex[:8]}.{ext}", ContentFile(content), save=False
        )


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return (
        "La préparation de la juridiction a échoué (erreur technique : "
        f"{type(error).__name__}). Rien n'a été créé : réessayez ou prévenez l'équipe technique."
    )


def run_creation(creation_id: int) -> str:
    """The task's body: create the jurisdiction of a queued request, record state and seconds.

    All or nothing: the jurisdiction, its domains, its schema and its logo are in one transaction;
    a failure leaves the request "failed" with a French message and no jurisdiction.
    """
    with transaction.atomic():
        creation = CreationRequest.objects.select_for_update().filter(pk=creation_id).first()
        if creation is None or creation.state != CreationState.QUEUED:
            return creation.state if creation else "missing"
        creation.state = CreationState.RUNNING
        creation.started_at = timezone.now()
        creation.save(update_fields=["state", "started_at"])
    started = time.perf_counter()
    spec_data = dict(creation.spec)
    logo = spec_data.pop("logo", None)
    spec_data["domains"] = tuple(spec_data.get("domains") or ())
    try:
        with transaction.atomic():
            jurisdiction, _ = create_jurisdiction(
                JurisdictionSpec(**spec_data), acting_user=creation.requested_by
            )
            if logo:
                save_logo(jurisdiction, logo["ext"], base64.b64decode(logo["data"]))
                jurisdiction.save(update_fields=["logo"])
    except Exception as error:  # any failure is recorded for the officer
        if not isinstance(error, ValidationError):
            logger.exception("creation request %s failed", creation_id)
        creation.state = CreationState.FAILED
        creation.error = _error_text(error)
        creation.finished_at = timezone.now()
        creation.seconds = round(time.perf_counter() - started, 3)
        creation.save(update_fields=["state", "error", "finished_at", "seconds"])
        return creation.state
    creation.state = CreationState.READY
    creation.jurisdiction = jurisdiction
    creation.finished_at = timezone.now()
    creation.seconds = round(time.perf_counter() - started, 3)
    if logo:  # the request keeps what was asked, not the file
        creation.spec = {**creation.spec, "logo": {"ext": logo["ext"], "saved": True}}
    creation.save(update_fields=["state", "jurisdiction", "finished_at", "seconds", "spec"])
    return creation.state


# --- branding ------------------------------------------------------------------------------------
