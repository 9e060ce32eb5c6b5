"""The life of an import job: started from an upload (stored, then analysed by a worker),
confirmed by an officer (applied by a worker). The pages and the tests call these; the reading
and the apply themselves are the engine's (jobs.py and the importers)."""

from django.db import transaction
from django.shortcuts import get_object_or_404

from onboarding.constants import ImportState
from onboarding.models import ImportJob

from . import jobs, tasks


def start_import(jurisdiction, *, kind: str, name: str, data: bytes, acting_user) -> ImportJob:
    """Record the job, store its file, and queue its analysis (dry run) after the commit."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            jurisdiction=jurisdiction, kind=kind, original_name=name[:255], created_by=acting_user
        )
        jobs.store_upload(job, data)
        job.save(update_fields=["path", "size"])
        transaction.on_commit(lambda: tasks.analyse_import.delay(str(job.pk)))
    return job


def confirm_import(job_id, *, valid_only: bool, acting_user) -> ImportJob:
    """Queue the apply of an analysed job (once: the row is locked). A job with rejected rows is
    applied only when the officer chose to import the valid rows alone; otherwise it stays as it
    is. 404 when the job is not (or no longer) waiting for a confirmation."""
    user_id = getattr(acting_user, "pk", None)
    with transaction.atomic():
        job = get_object_or_404(
            ImportJob.objects.select_for_update(), pk=job_id, state=ImportState.ANALYSED
        )
        job.valid_only = valid_only
        if job.preview.get("errors") and not job.valid_only:
            return job
        job.state = ImportState.APPLYING
        job.save(update_fields=["valid_only", "state"])
        transaction.on_commit(lambda: tasks.apply_import.delay(str(job.pk), user_id))
    return job
