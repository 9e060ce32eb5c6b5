"""Import of people from an APPI export: reading, analysis, apply, command line, pages."""

import datetime as dt
import io
import time
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person

# Registers the tasks before a test worker starts (the Celery app does not discover them yet).
from onboarding.imports import tasks as import_tasks
from onboarding.imports.base import Action, ImportRefused
from onboarding.imports.people import PeopleImporter
from onboarding.imports.reading import MAX_BYTES
from tests.auth import sign_in
from tests.dates import local_today, years_before
from tests.onboarding.jobs import wait_for_state

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples" / "appi_export.csv"
HEADER = (
    '"Nom";"Prénom";"Nom d\'usage";"Numéro de dossier";"Date de naissance";"Age";'
    '"Mesure/Intervention";"Numéro de parquet";"Alias";"Commune de domicile";'
    '"Typologie du suivi/segment";"Attribution JAP"'
)


def appi_row(last="MARTIN", first="Léa", number="n°202611112222", birth="06/09/1990",
             measure="SURSIS PROBATOIRE (09/10/2024)", city="NANTERRE") -> str:  # fmt: skip
    return (
        f'"{last}";"{first}";" ";"{number}";"{birth}";"36";"{measure}";" ";" ";"{city}";" ";'
        '"- N\'DIAYE Lucas (JAP)"'
    )


def appi_file(*rows: str, encoding="cp1252", delimiter=";") -> bytes:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    if delimiter != ";":
        text = text.replace('";"', f'"{delimiter}"')
    return text.encode(encoding)


def analyse(jurisdiction, data: bytes):
    with tenant_context(jurisdiction):
        return PeopleImporter(jurisdiction).analyse(data)


def run(jurisdiction, data: bytes, valid_only=False):
    with tenant_context(jurisdiction):
        importer = PeopleImporter(jurisdiction)
        plan = importer.analyse(data)
        importer.apply(plan, acting_user=None, valid_only=valid_only)
        return plan


def people_count(jurisdiction) -> int:
    with tenant_context(jurisdiction):
        return Person.objects.count()


@pytest.fixture
def sample() -> bytes:
    return SAMPLE.read_bytes()


def test_the_real_sample_imports_with_skipped_measures(alpha, sample):
    plan = analyse(alpha, sample)
    counts = plan.counts()
    assert plan.file_error == ""
    assert plan.encoding == "windows-1252" and plan.delimiter == ";"
    assert plan.total_rows == 201
    assert counts["skip"] == 25  # 20 contrôles judiciaires, 4 emprisonnements, 1 détention
    assert counts["create"] == 175
    # The export repeats line 5 (FONTAINE Lucas) at its end: the same person twice.
    assert [(e.line, e.column) for e in plan.errors] == [(202, "Numéro de dossier")]
    assert "déjà ligne 5" in plan.errors[0].message
    skipped = [row for row in plan.rows if row.action == Action.SKIP]
    assert any("CONTROLE JUDICIAIRE" in row.reason for row in skipped)
    assert all(row.reason.startswith("Mesure non suivie par la plateforme") for row in skipped)
    assert people_count(alpha) == 0  # the analysis is a dry run

    with pytest.raises(ImportRefused):
        run(alpha, sample)
    assert people_count(alpha) == 0
    run(alpha, sample, valid_only=True)
    assert people_count(alpha) == 175
    with tenant_context(alpha):
        bonnet = Person.objects.get(appi_number="202699298738")  # "n°202699298738"
        assert (bonnet.last_name, bonnet.first_names) == ("BONNET", "Noël")
        assert bonnet.birth_date == dt.date(2000, 9, 6)
        assert bonnet.city == "MONTROUGE"
        assert bonnet.search_name == "bonnet noel"
        assert bonnet.no_mobile_phone and bonnet.phone == ""


def test_reimporting_the_same_file_changes_nothing(alpha, sample):
    run(alpha, sample, valid_only=True)
    with tenant_context(alpha):
        before = list(Person.objects.order_by("pk").values())
    plan = run(alpha, sample, valid_only=True)
    assert plan.counts()["unchanged"] == 175
    assert plan.counts()["create"] == plan.counts()["update"] == 0
    with tenant_context(alpha):
        assert list(Person.objects.order_by("pk").values()) == before


def test_an_existing_appi_number_is_updated_not_duplicated(alpha):
    run(alpha, appi_file(appi_row(city="NANTERRE")))
    plan = run(alpha, appi_file(appi_row(city="COLOMBES", first="léa-marie")))
    assert plan.counts()["update"] == 1
    with tenant_context(alpha):
        person = Person.objects.get()
        assert (person.city, person.first_names) == ("COLOMBES", "Léa-Marie")
        assert person.search_name == "martin lea marie"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1252", ";"), ("utf-8", ";"), ("utf-8-sig", ";"), ("utf-8-sig", ","), ("cp1252", ",")],
)
def test_encodings_and_delimiters_are_detected(alpha, encoding, delimiter):
    plan = analyse(
        alpha, appi_file(appi_row(first="Zoé Noël"), encoding=encoding, delimiter=delimiter)
    )
    assert plan.errors == [] and plan.file_error == ""
    assert plan.delimiter == delimiter
    assert plan.rows[0].data["first_names"] == "Zoé Noël"


def test_iso_dates_and_xlsx_with_excel_date_cells(alpha):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    header = ["Nom", "Prénom", "Numéro de dossier", "Date de naissance", "Mesure/Intervention"]
    sheet.append([*header, "Commune de domicile"])
    born = dt.datetime(1985, 3, 14)  # a date cell
    sheet.append(["DUPONT", "Jean", "n°202611113333", born, "SURSIS PROBATOIRE", "SCEAUX"])
    sheet.append(["DURAND", "Paul", 202611114444, "1979-12-31", "TIG", "VANVES"])
    sheet.append(["DUVAL", "Anne", "20261111", 31120, "STAGE DE CITOYENNETE", "CLAMART"])  # serial
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = run(alpha, buffer.getvalue())
    assert plan.errors == []
    with tenant_context(alpha):
        births = dict(Person.objects.values_list("last_name", "birth_date"))
    assert births == {
        "DUPONT": dt.date(1985, 3, 14),
        "DURAND": dt.date(1979, 12, 31),
        "DUVAL": dt.date(1985, 3, 14),
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Ce fichier est un PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "n'est pas un tableau CSV ou XLSX"),
        (
            '"Nom";"Prénom";"Commune"\r\n"A";"B";"C"\r\n'.encode(),
            "Colonnes manquantes : Numéro de dossier, Date de naissance, Mesure/Intervention.",
        ),
        (
            HEADER.encode("cp1252")
            + b"\r\n"
            + appi_row().encode("cp1252")
            + b"\r\n"
            + appi_row(first="Zoé", number="n°202611119999").encode("utf-8"),
            "la ligne 3 n'est pas écrite dans le même encodage",
        ),
        (b"x" * (MAX_BYTES + 1), "la limite est de 50 Mo"),
    ],
    ids=["empty", "pdf", "binary", "columns", "mixed-encodings", "too-big"],
)
def test_bad_files_are_refused_in_french_and_nothing_changes(alpha, data, message):
    plan = analyse(alpha, data)
    assert message in plan.file_error
    with tenant_context(alpha), pytest.raises(ImportRefused):
        PeopleImporter(alpha).apply(plan, acting_user=None, valid_only=True)
    assert people_count(alpha) == 0


def test_bad_rows_name_their_line_and_column_and_nothing_is_imported(alpha):
    fifteen = years_before(local_today(alpha), 15).strftime("%d/%m/%Y")
    data = appi_file(
        appi_row(number="n°202611110001"),
        appi_row(number="n°202611110002", birth="31/02/1990", last="IMPOSSIBLE"),
        appi_row(number="n°202611110003", birth=fifteen, last="JEUNE"),
        appi_row(number="n°202611110001", last="DOUBLON"),
        appi_row(number="n°12", last="COURT"),
        appi_row(number="n°202611110006", measure="CONTROLE JUDICIAIRE (01/01/2024)"),
    )
    plan = analyse(alpha, data)
    errors = {(e.line, e.column): e.message for e in plan.errors}
    assert errors == {
        (3, "Date de naissance"): "La date « 31/02/1990 » n'existe pas.",
        (4, "Date de naissance"): "La personne doit avoir plus de 16 ans.",
        (5, "Numéro de dossier"): (
            "La même personne figure deux fois dans le fichier : ce numéro de dossier est déjà "
            "ligne 2."
        ),
        (6, "Numéro de dossier"): (
            "Le numéro APPI compte 8 ou 12 chiffres, éventuellement suivis d'une lettre."
        ),
    }
    assert plan.counts() == {"create": 1, "update": 0, "unchanged": 0, "skip": 1, "reject": 4}
    with tenant_context(alpha), pytest.raises(ImportRefused, match="4 ligne"):
        PeopleImporter(alpha).apply(plan, acting_user=None)
    assert people_count(alpha) == 0

    run(alpha, data, valid_only=True)  # the officer's explicit choice
    with tenant_context(alpha):
        assert list(Person.objects.values_list("appi_number", flat=True)) == ["202611110001"]


def test_phones_in_national_format_use_the_jurisdictions_region(beta):
    header = "Nom;Prénom;Numéro de dossier;Date de naissance;Mesure/Intervention;Commune de domicile;Téléphone portable"  # noqa: E501
    data = (
        f"{header}\nHOARAU;Marie;20261234;01/02/1980;SURSIS PROBATOIRE;SAINT-DENIS;0692 12 34 56\n"
    )
    plan = run(beta, data.encode())
    assert plan.errors == []
    with tenant_context(beta):
        assert Person.objects.get().phone == "+262692123456"


def test_a_100000_row_file_with_one_bad_row_names_that_row(alpha):
    lines = [HEADER]
    for index in range(2, 100_002):
        birth = "31/02/1980" if index == 73_412 else "01/01/1980"
        lines.append(appi_row(number=f"n°{20260000 + index:012d}", birth=birth))
    data = ("\n".join(lines) + "\n").encode("cp1252")
    started = time.monotonic()
    plan = analyse(alpha, data)
    assert [(e.line, e.column) for e in plan.errors] == [(73_412, "Date de naissance")]
    assert plan.counts()["create"] == 100_000 - 1
    assert time.monotonic() - started < 60
    with tenant_context(alpha), pytest.raises(ImportRefused):
        PeopleImporter(alpha).apply(plan, acting_user=None)
    assert people_count(alpha) == 0


def test_command_line_dry_run_changes_nothing_and_prints_the_report(
    alpha, sample, tmp_path, capsys
):
    path = tmp_path / "appi.csv"
    path.write_bytes(sample)
    with pytest.raises(CommandError):
        call_command("import_people", str(path), jurisdiction="alpha", dry_run=True)
    out = capsys.readouterr().out
    assert "À créer : 175" in out and "Ignorées : 25" in out and "Rejetées : 1" in out
    assert "ligne 202, colonne « Numéro de dossier »" in out
    assert "rien n'a été importé" in out
    assert people_count(alpha) == 0
    call_command("import_people", str(path), jurisdiction="alpha", dry_run=True, valid_only=True)
    assert people_count(alpha) == 0
    call_command("import_people", str(path), jurisdiction="alpha", valid_only=True)
    assert "Créées : 175" in capsys.readouterr().out
    assert people_count(alpha) == 175


def test_a_sixteenth_birthday_is_counted_on_the_jurisdictions_calendar(beta, tmp_path, capsys):
    """At 01:00 on 15 June at La Réunion it is still 14 June in Paris: a person born on
    15 June 2011 is 16 there, and the import (run from the console, not a request of beta)
    accepts them."""
    path = tmp_path / "appi.csv"
    path.write_bytes(appi_file(appi_row(birth="15/06/2011", city="SAINT-DENIS")))
    instant = dt.datetime(2027, 6, 15, 1, 0, tzinfo=beta.zone).astimezone(dt.UTC)
    with time_machine.travel(instant, tick=False):  # UTC: the process's local zone stays
        call_command("import_people", str(path), jurisdiction="beta", dry_run=True)
    assert "À créer : 1" in capsys.readouterr().out


def test_command_line_exits_with_an_error_and_changes_nothing(alpha, tmp_path, capsys):
    path = tmp_path / "appi.csv"
    path.write_bytes(appi_file(appi_row(), appi_row(number="n°202611110002", birth="31/02/1990")))
    with pytest.raises(CommandError):
        call_command("import_people", str(path), jurisdiction="alpha")
    assert "ligne 3, colonne « Date de naissance »" in capsys.readouterr().out
    assert people_count(alpha) == 0
    connection.set_schema_to_public()


def test_pages_upload_preview_confirm_and_report(alpha, sample, django_capture_on_commit_callbacks):
    from unittest import mock

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from onboarding.models import ImportJob
    from tests.factories import MembershipFactory, UserFactory

    url = "/deploiement/juridictions/alpha/imports/"
    assert Client(HTTP_HOST="localhost").get(url).status_code == 302  # anonymous: sign in
    agent = Client(HTTP_HOST="localhost")
    sign_in(agent, MembershipFactory(jurisdiction=alpha).user)
    assert agent.get(url).status_code == 403
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True))
    assert officer.get(url).status_code == 200

    with (
        mock.patch.object(import_tasks.analyse_import, "delay", import_tasks.analyse_import),
        mock.patch.object(import_tasks.apply_import, "delay", import_tasks.apply_import),
        django_capture_on_commit_callbacks(execute=True),
    ):
        upload = SimpleUploadedFile("appi.csv", sample, content_type="text/csv")
        response = officer.post(url, {"kind": "people", "file": upload})
    job = ImportJob.objects.get()
    assert response.url == f"/deploiement/imports/{job.pk}/"
    page = officer.get(response.url).content.decode()
    assert "Lignes rejetées : 1, par cause" in page
    assert "1 ligne : la même personne figure deux fois dans le fichier" in page
    assert "Importer seulement les lignes valides" in page
    assert people_count(alpha) == 0
    with (
        mock.patch.object(import_tasks.apply_import, "delay", import_tasks.apply_import),
        django_capture_on_commit_callbacks(execute=True),
    ):
        officer.post(f"/deploiement/imports/{job.pk}/confirmer/")  # errors, not valid-only
    assert people_count(alpha) == 0
    with (
        mock.patch.object(import_tasks.apply_import, "delay", import_tasks.apply_import),
        django_capture_on_commit_callbacks(execute=True),
    ):
        officer.post(f"/deploiement/imports/{job.pk}/confirmer/", {"valid_only": "1"})
    job.refresh_from_db()
    assert job.state == "applied"
    assert people_count(alpha) == 175
    assert officer.get(f"/deploiement/imports/{job.pk}/progression.json").json()["percent"] == 100
    report = officer.get(f"/deploiement/imports/{job.pk}/rapport.csv").content.decode("utf-8-sig")
    assert report.splitlines()[0] == "ligne;statut;colonne;message"
    assert "202;rejetée;Numéro de dossier;" in report and "2;créée;;" in report


def test_progress_is_readable_while_the_apply_transaction_is_open(alpha):
    from onboarding.imports import jobs
    from onboarding.models import ImportJob

    rows = [appi_row(number=f"n°{20270000 + index:012d}") for index in range(2500)]
    job = ImportJob.objects.create(jurisdiction=alpha, kind="people", original_name="appi.csv")
    jobs.store_upload(job, appi_file(*rows))
    job.save()
    seen = []
    writer_call = jobs.ProgressWriter.__call__

    def spy(self, phase, done, total):
        writer_call(self, phase, done, total)
        if phase == "apply":
            with tenant_context(alpha):
                assert connection.in_atomic_block
            seen.append(jobs.read_progress(job))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs.ProgressWriter, "__call__", spy)
        jobs.run_apply(job, acting_user=None)
    assert [(p["phase"], p["done"], p["total"]) for p in seen] == [
        ("apply", 1000, 2500),
        ("apply", 2000, 2500),
        ("apply", 2500, 2500),
    ]
    assert seen[0]["percent"] == 40 and seen[0]["rows_per_second"] > 0
    job.refresh_from_db()
    assert job.state == "applied" and job.processed_rows == 2500
    assert people_count(alpha) == 2500


def test_a_real_worker_analyses_then_applies_in_the_jurisdictions_schema(celery_worker, sample):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from onboarding.models import ImportJob
    from tenants.models import Jurisdiction
    from tests.factories import UserFactory

    alpha = Jurisdiction.objects.get(slug="alpha")
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True))
    upload = SimpleUploadedFile("appi.csv", sample, content_type="text/csv")
    officer.post("/deploiement/juridictions/alpha/imports/", {"kind": "people", "file": upload})
    job = ImportJob.objects.get()

    wait_for_state(job, "analysed")
    assert job.preview["counts"]["create"] == 175
    assert people_count(alpha) == 0
    officer.post(f"/deploiement/imports/{job.pk}/confirmer/", {"valid_only": "1"})
    wait_for_state(job, "applied")
    assert people_count(alpha) == 175
    assert officer.get(f"/deploiement/imports/{job.pk}/progression.json").json()["finished"]


def test_imported_people_are_in_the_audit_trail(alpha):
    """The apply quiets pgtrigger's per-row lookup (quiet_triggers): the audit still records."""
    from django.apps import apps

    run(alpha, appi_file(appi_row(), appi_row("PETIT", "Zoé", "n°202633334444")))
    with tenant_context(alpha):
        audit = apps.get_model("people", "PersonAudit")
        assert audit.objects.filter(pgh_label="insert").count() == 2
