"""The onboarding kit (../shared/data/onboarding-kit, the reference of a consistent opening),
imported in its README's order into a jurisdiction being opened: nothing is rejected but the APPI
duplicate line, the 27 measures the platform does not follow are skipped, and the "Équipe 2"
agenda's .ics, imported after the CSV, creates nothing twice and takes nothing away."""

import csv
import io
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment
from onboarding.imports.agents import AgentsImporter
from onboarding.imports.appointments import AppointmentsImporter
from onboarding.imports.people import PeopleImporter
from onboarding.imports.places import PlacesImporter
from tenants.constants import JurisdictionStatus

KIT = Path(__file__).resolve().parents[3] / "shared" / "data" / "onboarding-kit"
ORDER = (
    (AgentsImporter, "agents.csv"),
    (PlacesImporter, "places.csv"),
    (PeopleImporter, "appi_export.csv"),
    (AppointmentsImporter, "appointments.csv"),
)


def kit_rows(name: str, encoding: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((KIT / name).read_text(encoding)), delimiter=";"))


def run(jurisdiction, importer_class, name: str):
    importer = importer_class(jurisdiction)
    with importer.running():
        plan = importer.analyse((KIT / name).read_bytes())
        importer.apply(plan, acting_user=None, valid_only=True)
    return plan


@pytest.fixture
def opening(alpha):
    alpha.status = JurisdictionStatus.ONBOARDING
    alpha.save(update_fields=["status"])
    return alpha


def test_the_kit_imports_in_its_order_with_only_the_appi_duplicate_rejected(opening):
    plans = {name: run(opening, importer, name) for importer, name in ORDER}
    for name, plan in plans.items():
        assert plan.file_error == "", name
    # Every row of every file is accepted, but one: the APPI export's duplicate line.
    rejected = {name: plan.rejected_lines for name, plan in plans.items()}
    appi = kit_rows("appi_export.csv", "cp1252")
    seen, duplicates = set(), []
    for line, row in enumerate(appi, start=2):  # the header is line 1
        values = tuple(row.values())
        if values in seen:
            duplicates.append(line)
        seen.add(values)
    assert len(duplicates) == 1
    assert rejected == {
        "agents.csv": set(),
        "places.csv": set(),
        "appi_export.csv": set(duplicates),
        "appointments.csv": set(),
    }
    # The measures not followed (detention, sentence adjustment, contrôle judiciaire) are skipped.
    skipped = plans["appi_export.csv"].counts()["skip"]
    assert skipped == 27
    calendar = kit_rows("appointments.csv", "cp1252")
    with tenant_context(opening):
        assert Person.objects.count() == len(appi) - 1 - skipped
        assert Appointment.objects.count() == len(calendar)


def test_the_equipe_2_ics_after_the_csv_creates_nothing_twice_and_keeps_the_agendas(opening):
    for importer, name in ORDER:
        run(opening, importer, name)
    with tenant_context(opening):
        before = dict(Appointment.objects.values_list("pk", "agenda_id"))
    plan = run(opening, AppointmentsImporter, "agenda_equipe2.ics")
    assert plan.errors == [] and plan.counts()["create"] == 0
    events = (KIT / "agenda_equipe2.ics").read_text("utf-8").count("BEGIN:VEVENT")
    assert plan.counts()["unchanged"] == events
    with tenant_context(opening):
        assert dict(Appointment.objects.values_list("pk", "agenda_id")) == before
