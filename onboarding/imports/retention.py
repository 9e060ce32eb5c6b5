"""Import files and reports under the retention table (issue 18): 30 days after a job ended its
uploaded file and the lines of its preview and report go (the counts stay); and when a person is
erased, the lines and files of the jobs still kept that name them go at once, in the erasure's
transaction. Registered with shared.retention by OnboardingConfig.ready()."""

import json
import logging
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from onboarding.constants import ImportState
from onboarding.models import ImportJob

logger = logging.getLogger(__name__)

RUNNING = (ImportState.UPLOADED, ImportState.ANALYSING, ImportState.APPLYING)
LINE_KEYS = ("errors", "skipped", "notes", "lines")


def _file(job: ImportJob) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / job.path


def _strip_lines(data: dict) -> dict:
    return {key: value for key, value in (data or {}).items() if key not in LINE_KEYS}


def _kept_jobs():
    return ImportJob.objects.filter(jurisdiction_id=connection.tenant.pk).filter(
        ~Q(path="") | Q(preview__has_any_keys=LINE_KEYS) | Q(report__has_any_keys=LINE_KEYS)
    )


def jobs_to_purge(cutoff):
    return (
        _kept_jobs()
        .exclude(state__in=RUNNING)
        .annotate(ended=Coalesce(F("finished_at"), F("created_at")))
        .filter(ended__lt=cutoff)
    )


def purge_imports(rule, now, *, dry_run, clock) -> int:
    due = jobs_to_purge(rule.cutoff(now))
    if dry_run:
        return due.count()
    count = 0
    for job in due.iterator():
        with clock.atomic():
            locked = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
            if locked is None:
                continue
            path = _file(locked) if locked.path else None
            locked.preview, locked.report, locked.path = (
                _strip_lines(locked.preview),
                _strip_lines(locked.report),
                "",
            )
            locked.save(update_fields=["preview", "report", "path"])
            if path is not None:
                transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))
        count += 1
    return count


def _mentions(text: str, people) -> bool:
    folded = text.casefold()
    for person in people:
        for needle in person.needles():
            if needle.casefold() in folded:
                return True
    return False


def _without_mentions(data: dict, people) -> dict:
    cleaned = dict(data or {})
    for key in LINE_KEYS:
        if isinstance(cleaned.get(key), list):
            cleaned[key] = [
                line
                for line in cleaned[key]
                if not _mentions(json.dumps(line, ensure_ascii=False), people)
            ]
    return cleaned


def scrub_erased_people(people) -> None:
    """In the erasure's transaction: the report lines naming these people go; an uploaded file
    that names one of them is deleted after the commit (the job keeps its counts)."""
    for job in _kept_jobs().select_for_update():
        changed = []
        for name in ("preview", "report"):
            data = getattr(job, name) or {}
            if _mentions(json.dumps(data, ensure_ascii=False), people):
                setattr(job, name, _without_mentions(data, people))
                changed.append(name)
        if job.path:
            path = _file(job)
            try:
                content = path.read_bytes().decode(job.encoding or "utf-8", errors="replace")
            except OSError:
                content = ""
            if content and _mentions(content, people):
                job.path = ""
                changed.append("path")
                transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))
        if changed:
            job.save(update_fields=changed)
