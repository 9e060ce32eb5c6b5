"""A jurisdiction being opened, for the demo's deployment officer: created like any other, then
fed with the onboarding kit (demo/onboarding_kit, a copy of ../shared/data/onboarding-kit) through
the same import jobs an officer starts from the imports page, in the kit's order. What is left of
the go-live checklist (slot templates, SMS texts, test SMS, go-live) is for the officer to do.

Idempotent: the kit is imported once, when the jurisdiction has no import job yet.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from onboarding.constants import ImportKind, ImportState
from onboarding.imports import jobs
from onboarding.models import ImportJob

KIT = Path(__file__).resolve().parent / "onboarding_kit"
# The kit's README order: agents, places, people, then the calendar.
KIT_ORDER = (
    (ImportKind.AGENTS, "agents.csv"),
    (ImportKind.PLACES, "places.csv"),
    (ImportKind.PEOPLE, "appi_export.csv"),
    (ImportKind.APPOINTMENTS, "appointments.csv"),
)


@dataclass(frozen=True)
class KitImport:
    name: str
    state: str
    rejected_lines: int


def import_kit(jurisdiction, *, officer) -> list[KitImport]:
    """Import the kit into ``jurisdiction`` (once); one applied job per file, in order. A file
    with rejected lines (the APPI export's duplicate) is applied "valid rows only", as the officer
    would choose on the preview. Returns what each job did, [] when the kit was imported before."""
    if ImportJob.objects.filter(jurisdiction=jurisdiction).exists():
        return []
    done = []
    for kind, name in KIT_ORDER:
        with transaction.atomic():
            job = ImportJob.objects.create(
                jurisdiction=jurisdiction, kind=kind, original_name=name, created_by=officer
            )
            jobs.store_upload(job, (KIT / name).read_bytes())
            job.save(update_fields=["path", "size"])
        jobs.run_analysis(job)
        if job.state != ImportState.ANALYSED:  # a refused file: stop, as an officer would
            done.append(KitImport(name, job.state, 0))
            break
        rejected = len({line for line, _, _ in job.preview.get("errors") or []})
        job.valid_only = bool(rejected)
        job.save(update_fields=["valid_only"])
        jobs.run_apply(job, acting_user=officer)
        done.append(KitImport(name, job.state, rejected))
    return done
