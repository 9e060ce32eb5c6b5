"""ImportJob lifecycle: store the upload, analyse it (dry run) and apply it in the right schema,
with progress in the cache so that it shows while the apply transaction is open."""

import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from onboarding.constants import ImportKind, ImportState
from onboarding.models import ImportJob

from .agents import AgentsImporter
from .appointments import AppointmentsImporter
from .base import ImportRefused, Plan
from .people import PeopleImporter
from .places import PlacesImporter
from .summary import remaining_text

# In the order of an opening (each kind refers to what the ones before it created).
IMPORTERS = {
    ImportKind.AGENTS: AgentsImporter,
    ImportKind.PLACES: PlacesImporter,
    ImportKind.PEOPLE: PeopleImporter,
    ImportKind.APPOINTMENTS: AppointmentsImporter,
}
PROGRESS_TIMEOUT = 24 * 3600
PHASE_LABELS = {"analyse": "Vérification des lignes", "apply": "Import des lignes"}
FINISHED_STATES = (
    ImportState.ANALYSED,
    ImportState.REFUSED,
    ImportState.APPLIED,
    ImportState.FAILED,
)
SUPPORTED_KINDS = tuple(IMPORTERS)


def schema_of(job: ImportJob) -> str:
    importer = IMPORTERS[job.kind]
    return job.jurisdiction.schema_name if importer.tenant_schema else get_public_schema_name()


# --- files ---------------------------------------------------------------------------------
def store_upload(job: ImportJob, data: bytes) -> None:
    relative = Path("imports") / job.jurisdiction.slug / f"{job.pk}.upload"
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    job.path, job.size = str(relative), len(data)


def read_upload(job: ImportJob) -> bytes:
    return (Path(settings.PRIVATE_MEDIA_ROOT) / job.path).read_bytes()


# --- progress ------------------------------------------------------------------------------
def progress_key(job_id) -> str:
    return f"imports:progress:{job_id}"


class ProgressWriter:
    """Writes (phase, done, total) to the cache, in the schema where the work runs."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.started = time.monotonic()
        self.started_at = time.time()
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.phase, self.started, self.started_at = phase, time.monotonic(), time.time()
        cache.set(
            progress_key(self.job.pk),
            {"phase": phase, "done": done, "total": total, "started_at": self.started_at},
            PROGRESS_TIMEOUT,
        )
        if not connection.in_atomic_block:
            # Outside the apply transaction (the analysis), the job row shows it too.
            ImportJob.objects.filter(pk=self.job.pk).update(processed_rows=done, total_rows=total)


def read_progress(job: ImportJob) -> dict:
    """Percentage, rows per second and seconds left, for the status page and its JSON."""
    with schema_context(schema_of(job)):
        raw = cache.get(progress_key(job.pk)) or {}
    done, total = raw.get("done", 0), raw.get("total", 0)
    finished = job.state in FINISHED_STATES
    if finished:
        done = total = total or job.total_rows
    elapsed = max(time.time() - raw.get("started_at", time.time()), 0.001)
    rate = done / elapsed if done else 0
    left = (total - done) / rate if rate and total else None
    return {
        "estimate": "" if finished else remaining_text(done, total, elapsed),
        "state": job.state,
        "state_label": job.get_state_display(),
        "phase": raw.get("phase", ""),
        "phase_label": PHASE_LABELS.get(raw.get("phase", ""), "Préparation"),
        "done": done,
        "total": total,
        "percent": 100 if finished else (round(100 * done / total) if total else 0),
        "rows_per_second": round(rate),
        "seconds_left": round(left) if left is not None else None,
        "finished": finished,
    }


# --- running -------------------------------------------------------------------------------
def analyse(job: ImportJob, data: bytes | None = None, *, progress=None) -> Plan:
    importer = IMPORTERS[job.kind](job.jurisdiction, progress=progress)
    with importer.running():
        return importer.analyse(read_upload(job) if data is None else data)


def run_analysis(job: ImportJob) -> Plan:
    """The dry run: counts and rejected rows into job.preview; nothing else changes."""
    job.state, job.started_at = ImportState.ANALYSING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    plan = analyse(job, progress=ProgressWriter(job))
    job.preview = plan.preview()
    job.total_rows, job.processed_rows = plan.total_rows, plan.total_rows
    job.encoding, job.delimiter = plan.encoding, plan.delimiter
    job.state = ImportState.REFUSED if plan.file_error else ImportState.ANALYSED
    job.finished_at = timezone.now()
    job.save()
    return plan


def run_apply(job: ImportJob, *, acting_user) -> dict:
    """Analyse again (the data may have changed since the preview) and apply, all or nothing
    unless the job is "valid rows only". Marks the job applied or failed."""
    job.state, job.started_at = ImportState.APPLYING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    progress = ProgressWriter(job)
    try:
        importer = IMPORTERS[job.kind](job.jurisdiction, progress=progress)
        with importer.running():
            plan = importer.analyse(read_upload(job))
            report = importer.apply(plan, acting_user=acting_user, valid_only=job.valid_only)
    except ImportRefused as error:
        job.state, job.error = ImportState.FAILED, str(error)
        job.preview = plan.preview()
        job.finished_at = timezone.now()
        job.save()
        return {}
    connection.set_schema_to_public()
    job.preview = plan.preview()
    job.report = report
    job.total_rows, job.processed_rows = plan.total_rows, plan.total_rows
    job.state, job.finished_at, job.error = ImportState.APPLIED, timezone.now(), ""
    job.save()
    return report
