"""Opening a jurisdiction (public schema): creation requests run in Celery, import jobs with their
preview and report, and the test SMS of the go-live checklist."""

import uuid

from django.conf import settings
from django.db import models

from tenants.models import Jurisdiction

from .constants import CreationState, ImportKind, ImportState


class CreationRequest(models.Model):
    """A jurisdiction asked for in the form; its schema is prepared by a Celery task."""

    slug = models.SlugField(max_length=63)
    spec = models.JSONField("caractéristiques")
    state = models.CharField(
        max_length=12, choices=CreationState.choices, default=CreationState.QUEUED
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "demande de création"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.state})"


class ImportJob(models.Model):
    """One uploaded file: analysed (dry run, preview), then applied on confirmation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    state = models.CharField(
        max_length=12, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    original_name = models.CharField("fichier", max_length=255)
    path = models.CharField(max_length=255, blank=True)  # under PRIVATE_MEDIA_ROOT
    size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    valid_only = models.BooleanField("importer seulement les lignes valides", default=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)  # counts and rejected rows
    report = models.JSONField(default=dict, blank=True)  # what was applied
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["jurisdiction", "kind", "created_at"], name="import_job_list")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.state})"


class TestSms(models.Model):
    """The go-live checklist's test SMS to the officer's own phone; "received" once the officer
    types back the code it carried."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    provider = models.CharField(max_length=8, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SMS de test"
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"test SMS {self.jurisdiction_id} ({'reçu' if self.confirmed_at else 'envoyé'})"
