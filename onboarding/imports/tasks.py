"""Celery tasks of the imports: the dry run and the apply, each for one ImportJob.

Sent from the public host, they run in the public schema; jobs.run_* switch to the schema of the
jurisdiction for people (and stay in the public one for agents)."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from onboarding.constants import ImportState
from onboarding.models import ImportJob

from . import jobs


def _fail(job: ImportJob, error: Exception) -> None:
    job.state, job.finished_at = ImportState.FAILED, timezone.now()
    job.error = "L'import a échoué : rien n'a été importé. L'équipe technique est prévenue."
    job.save(update_fields=["state", "finished_at", "error"])


@shared_task(name="onboarding.analyse_import")
def analyse_import(job_id: str) -> None:
    job = ImportJob.objects.select_related("jurisdiction").get(pk=job_id)
    try:
        jobs.run_analysis(job)
    except Exception as error:
        _fail(job, error)
        raise


@shared_task(name="onboarding.apply_import")
def apply_import(job_id: str, user_id: int | None = None) -> None:
    job = ImportJob.objects.select_related("jurisdiction").get(pk=job_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        jobs.run_apply(job, acting_user=user)
    except Exception as error:
        _fail(job, error)
        raise
