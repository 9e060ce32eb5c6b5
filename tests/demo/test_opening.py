"""The demo's jurisdiction being opened (demo/opening.py): created from the onboarding kit through
the officer's import jobs, in the kit's order, with nothing rejected but the APPI duplicate line;
a second `make run` imports nothing again. The demo's copy of the kit is the reference's."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context

from demo.jurisdictions import DEPLOYMENT_OFFICER_EMAIL, OPENING_JURISDICTION, seed_opening
from demo.opening import KIT, KIT_ORDER
from jurisdiction_apps.organisation.models import Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment
from onboarding.constants import ImportState
from onboarding.models import ImportJob
from shared.accounts.constants import NationalRole
from tenants.constants import JurisdictionStatus
from tenants.models import Jurisdiction

REFERENCE_KIT = Path(__file__).resolve().parents[3] / "shared" / "data" / "onboarding-kit"


@pytest.mark.skipif(not REFERENCE_KIT.is_dir(), reason="no reference kit here")
def test_the_demos_kit_is_the_reference_kit():
    for path in sorted(REFERENCE_KIT.iterdir()):
        assert (KIT / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_opening_jurisdiction_is_fed_by_the_kit_once(committed_db):
    # Committed like `make run` (creating a schema and the import jobs' own transactions);
    # committed_db truncates the accounts and import jobs afterwards, the schema is dropped here.
    officer = get_user_model().objects.create(
        email=DEPLOYMENT_OFFICER_EMAIL, national_role=NationalRole.DEPLOYMENT_OFFICER
    )
    try:
        seed_opening()
        opening = Jurisdiction.objects.get(slug=OPENING_JURISDICTION.slug)
        assert opening.status == JurisdictionStatus.ONBOARDING
        jobs = list(ImportJob.objects.filter(jurisdiction=opening).order_by("created_at"))
        assert [(job.kind, job.original_name) for job in jobs] == list(KIT_ORDER)
        assert {job.state for job in jobs} == {ImportState.APPLIED}
        assert all(job.created_by == officer for job in jobs)
        # Only the APPI export has rejected lines: its duplicate, so it ran "valid rows only".
        rejected = {
            job.original_name: {line for line, _, _ in job.preview.get("errors") or []}
            for job in jobs
        }
        assert {name: len(lines) for name, lines in rejected.items()} == {
            "agents.csv": 0,
            "places.csv": 0,
            "appi_export.csv": 1,
            "appointments.csv": 0,
        }
        assert [job.valid_only for job in jobs] == [False, False, True, False]
        with tenant_context(opening):
            counts = (Place.objects.count(), Person.objects.count(), Appointment.objects.count())
        appointment_rows = len((KIT / "appointments.csv").read_bytes().splitlines()) - 1
        assert counts[0] >= 5 and counts[1] > 100
        assert counts[2] == appointment_rows
        # A second `make run`: nothing imported twice.
        seed_opening()
        assert ImportJob.objects.filter(jurisdiction=opening).count() == len(KIT_ORDER)
        with tenant_context(opening):
            again = (Place.objects.count(), Person.objects.count(), Appointment.objects.count())
        assert again == counts
    finally:
        connection.set_schema_to_public()
        for jurisdiction in Jurisdiction.objects.filter(slug=OPENING_JURISDICTION.slug):
            jurisdiction.delete(force_drop=True)
