"""The imports page guides the officer: the order of the kinds, their columns and a model file
each (from the importers' own definitions), a refused file said as such, rejected rows grouped
by cause with the fix, and the time left of a running import in words."""

import csv
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onboarding.imports import guide, jobs
from onboarding.imports import tasks as import_tasks
from onboarding.imports.summary import cause_of, group_errors, remaining_text
from onboarding.models import ImportJob
from tests.auth import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(deployment_officer=True))
    return client


def upload(officer, django_capture_on_commit_callbacks, slug, kind, name, data):
    """Upload through the page; the analysis runs at once (its task, without a worker)."""
    with (
        mock.patch.object(import_tasks.analyse_import, "delay", import_tasks.analyse_import),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = officer.post(
            f"/deploiement/juridictions/{slug}/imports/",
            {"kind": kind, "file": SimpleUploadedFile(name, data)},
        )
    assert response.status_code == 302
    return ImportJob.objects.get(original_name=name)


# --- the page and the model files ------------------------------------------------------------
def test_the_page_gives_the_order_the_columns_and_a_link_back(alpha, officer):
    body = officer.get("/deploiement/juridictions/alpha/imports/").content.decode()
    assert "/deploiement/juridictions/alpha/" in body  # back to the checklist
    positions = [body.index(f'id="import-{kind}"') for kind in jobs.IMPORTERS]
    assert positions == sorted(positions)
    assert list(jobs.IMPORTERS) == ["agents", "places", "people", "appointments"]
    for kind, importer in jobs.IMPORTERS.items():
        for column in importer.columns:
            assert f"« {column.label} »" in body, (kind, column.label)
        assert f"/deploiement/imports/modeles/{kind}.csv" in body
    assert 'class="fr-select"' in body and 'class="fr-upload-group' in body


@pytest.mark.parametrize("kind", list(jobs.IMPORTERS))
def test_each_model_file_has_the_importers_columns_and_imports_without_a_missing_column(
    alpha, officer, kind
):
    response = officer.get(f"/deploiement/imports/modeles/{kind}.csv")
    assert response.status_code == 200
    assert guide.MODEL_FILE_NAMES[kind] in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    columns = jobs.IMPORTERS[kind].columns
    assert rows[0] == [column.label for column in columns]
    assert len(rows) == 2 and all(rows[1])  # one example row, every cell filled
    # What the engine reads of it: no missing column, one row.
    importer = jobs.IMPORTERS[kind](alpha)
    with importer.running():
        plan = importer.analyse(response.content)
    assert plan.file_error == "" and plan.total_rows == 1


def test_an_unknown_model_file_is_404(officer):
    assert officer.get("/deploiement/imports/modeles/inconnu.csv").status_code == 404


# --- refused files -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("agents.csv", b"Nom;Prenom\nMartin;Jean\n", "Colonnes manquantes : Rôle"),
        ("agents.pdf", b"%PDF-1.4 not a table", "Ce fichier est un PDF"),
        ("cp.csv", "Nom;Prénom\n".encode() + b"\x81\n", "mélange deux encodages"),
    ],
)
def test_a_refused_file_says_refused_with_the_reason_never_preview_ready(
    alpha, officer, django_capture_on_commit_callbacks, name, data, reason
):
    job = upload(officer, django_capture_on_commit_callbacks, "alpha", "agents", name, data)
    assert job.state == "refused"
    body = officer.get(f"/deploiement/imports/{job.pk}/").content.decode()
    assert "Fichier refusé" in body and reason in body
    assert "Aperçu prêt" not in body
    assert 'id="confirm"' not in body  # nothing to confirm
    listing = officer.get("/deploiement/juridictions/alpha/imports/").content.decode()
    assert "Fichier refusé" in listing
    progress = officer.get(f"/deploiement/imports/{job.pk}/progression.json").json()
    assert progress["finished"] and progress["state_label"] == "Fichier refusé"


def test_no_file_or_an_empty_one_is_a_french_message_and_nothing_recorded(alpha, officer):
    url = "/deploiement/juridictions/alpha/imports/"
    response = officer.post(url, {"kind": "agents"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    empty = SimpleUploadedFile("vide.csv", b"")
    response = officer.post(url, {"kind": "agents", "file": empty})
    assert response.status_code == 400
    assert "fichier soumis est vide" in response.content.decode()
    response = officer.post(url, {"kind": "inconnu", "file": SimpleUploadedFile("a.csv", b"x")})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ImportJob.objects.exists()


# --- rejected rows grouped by cause --------------------------------------------------------------
APPOINTMENTS_HEADER = (
    "Date;Heure;Type de rendez-vous;Lieu;Agenda;Nom;Prénom;Date de naissance;Numéro de dossier"
)


def test_rejected_rows_are_grouped_by_cause_with_counts_and_the_fix(
    alpha, officer, django_capture_on_commit_callbacks
):
    unknown_people = [
        f"15/09/2030;10:00;Convocation de suivi SPIP;Nulle part;;INCONNU{n};Ana;01/01/1990;"
        for n in range(3)
    ]
    bad_date = "31/02/2030;10:00;Convocation de suivi SPIP;Nulle part;;PERSONNE;Léo;01/01/1990;"
    data = "\n".join([APPOINTMENTS_HEADER, *unknown_people, bad_date]).encode("utf-8")
    job = upload(
        officer, django_capture_on_commit_callbacks, "alpha", "appointments", "r.csv", data
    )
    assert job.state == "analysed"
    groups = group_errors(job.preview["errors"])
    by_cause = {group.cause: group for group in groups}
    assert by_cause["Personne inconnue"].lines == [2, 3, 4]
    assert by_cause["Lieu inconnu"].count == 3
    body = officer.get(f"/deploiement/imports/{job.pk}/").content.decode()
    assert "3 lignes : personne inconnue — importez d&#x27;abord les personnes" in body
    assert "3 lignes : lieu inconnu — importez d&#x27;abord les lieux" in body
    assert "Lignes du fichier : 2, 3, 4" in body
    # The groups say no one's name; the full report per line is still there.
    for n in range(3):
        assert f"INCONNU{n}" not in body
    report = officer.get(f"/deploiement/imports/{job.pk}/rapport.csv").content.decode()
    assert "INCONNU0" in report and report.count("rejetée") == len(job.preview["errors"])


def test_group_errors_counts_a_line_once_per_cause_and_masks_values():
    errors = [
        [2, "Lieu", "Lieu inconnu : « A ». Créez-le."],
        [3, "Lieu", "Lieu inconnu : « B ». Créez-le."],
        [3, "Heure", "Heure illisible : « 25:00 »."],
        [5, "Téléphone", "« 0612 » : Numéro illisible."],
        [5, "Nom", "Indiquez le nom."],
    ]
    groups = group_errors(errors)
    assert [(g.column, g.cause, g.lines) for g in groups] == [
        ("Lieu", "Lieu inconnu", [2, 3]),
        ("Heure", "Heure illisible", [3]),
        ("Téléphone", "Numéro illisible", [5]),
        ("Nom", "Indiquez le nom", [5]),
    ]
    assert (
        groups[0].title == "2 lignes : lieu inconnu — importez d'abord les lieux et leurs agendas"
    )
    assert groups[1].title.startswith("1 ligne : heure illisible — corrigez la colonne « Heure »")
    assert cause_of("La date « 31/02/2030 » n'existe pas.") == "La date «…» n'existe pas"


# --- the time left -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("done", "total", "elapsed", "expected"),
    [
        (0, 1000, 5.0, "estimation en cours"),  # nothing done yet
        (10, 1000, 0.2, "estimation en cours"),  # too early to tell
        (10, 0, 5.0, "estimation en cours"),  # total unknown
        (500, 1000, 20.0, "moins d'une minute"),  # 20 s left
        (100, 1000, 10.0, "environ 2 minutes restantes"),  # 90 s left
        (500, 1000, 60.0, "environ 1 minute restante"),
        (1000, 100_000, 60.0, "environ 2 heures restantes"),  # 99 min left
        (1000, 1000, 30.0, "presque terminé"),
    ],
)
def test_remaining_text(done, total, elapsed, expected):
    assert remaining_text(done, total, elapsed) == expected


def test_a_running_import_shows_a_full_progress_bar_and_never_a_question_mark(
    alpha, officer, django_capture_on_commit_callbacks
):
    job = ImportJob.objects.create(jurisdiction=alpha, kind="agents", original_name="a.csv")
    ImportJob.objects.filter(pk=job.pk).update(state="analysing")
    body = officer.get(f"/deploiement/imports/{job.pk}/").content.decode()
    assert '<progress class="import-progress__bar" max="100" value="0"' in body
    assert 'temps restant : <span data-field="estimate">estimation en cours</span>' in body
    assert "? s" not in body and "?</span>" not in body
    progress = officer.get(f"/deploiement/imports/{job.pk}/progression.json").json()
    assert progress["estimate"] == "estimation en cours" and not progress["finished"]
