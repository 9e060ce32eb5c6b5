"""Import of agents: accounts, memberships and roles; invitations only after the import."""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from onboarding.imports.agents import AgentsImporter
from onboarding.imports.base import ImportRefused
from tenants.constants import Role
from tenants.models import Membership
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples" / "agents.csv"
HEADER = "LAST_NAME,FIRST_NAME,ROLE,PHONE,ORGANIZATION,EMAIL"


def agents_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def run(jurisdiction, data: bytes, valid_only=False, capture=None):
    importer = AgentsImporter(jurisdiction)
    plan = importer.analyse(data)
    if capture is None:
        importer.apply(plan, acting_user=None, valid_only=valid_only)
    else:
        with capture(execute=True):
            importer.apply(plan, acting_user=None, valid_only=valid_only)
    return plan


def test_the_sample_imports_and_invitations_go_out_after_the_import_only(
    alpha, django_capture_on_commit_callbacks
):
    data = SAMPLE.read_bytes()
    plan = AgentsImporter(alpha).analyse(data)
    assert plan.errors == [] and plan.file_error == ""
    assert plan.counts()["create"] == 40
    assert mail.outbox == []  # the dry run sends nothing
    assert not Membership.objects.filter(jurisdiction=alpha).exists()

    run(alpha, data, capture=django_capture_on_commit_callbacks)
    assert Membership.objects.filter(jurisdiction=alpha, is_active=True).count() == 40
    garcia = get_user_model().objects.get(email="oceane.garcia2@justice.fr")
    assert not garcia.has_usable_password()
    assert Membership.objects.get(user=garcia, jurisdiction=alpha).role == Role.CPIP
    assert len(mail.outbox) == 40
    assert "alpha.localhost" in mail.outbox[0].body

    mail.outbox.clear()
    plan = run(alpha, data, capture=django_capture_on_commit_callbacks)  # re-import
    assert plan.counts()["unchanged"] == 40
    assert mail.outbox == []
    assert Membership.objects.filter(jurisdiction=alpha).count() == 40


def test_imported_agents_addresses_are_recorded_and_their_invitation_link_works(
    alpha, django_capture_on_commit_callbacks
):
    """The import records allauth's address of each new account in bulk (the invitation's key
    would otherwise write it one account at a time); the key still opens the password form."""
    existing = UserFactory(email="deja.la@justice.fr")
    data = agents_file(
        "MARTIN,Jeanne,CPIP,,SPIP,jeanne.martin@justice.fr",
        "DUBOIS,Paul,CPIP,,SPIP,paul.dubois@justice.fr",
        "LA,Déjà,CPIP,,SPIP,deja.la@justice.fr",
    )
    importer = AgentsImporter(alpha)
    with django_capture_on_commit_callbacks() as invitations:
        importer.apply(importer.analyse(data), acting_user=None)
    recorded = EmailAddress.objects.filter(email__endswith="@justice.fr")
    assert sorted(recorded.values_list("email", "primary", "verified")) == [
        ("jeanne.martin@justice.fr", False, False),
        ("paul.dubois@justice.fr", False, False),
    ]  # in the import's transaction, before any invitation; an existing account's are its own
    assert not EmailAddress.objects.filter(user=existing).exists()
    for send in invitations:
        send()
    message = next(m for m in mail.outbox if m.to == ["jeanne.martin@justice.fr"])
    link = re.search(r"https?://alpha\.localhost(/comptes/password/reset/key/\S+/)", message.body)
    page = Client(HTTP_HOST="alpha.localhost").get(link.group(1), follow=True)
    assert page.redirect_chain[-1][0].endswith("-set-password/")
    assert 'name="password1"' in page.content.decode()
    assert EmailAddress.objects.filter(email="jeanne.martin@justice.fr").count() == 1


def test_an_existing_account_gets_its_role_updated_by_email_case_insensitive(alpha, beta):
    agent = UserFactory(email="jean.dupont@justice.fr", first_name="Jean", last_name="Dupont")
    MembershipFactory(user=agent, jurisdiction=alpha, role=Role.CPIP)
    MembershipFactory(user=agent, jurisdiction=beta, role=Role.CPIP)
    plan = run(alpha, agents_file("Dupont,Jean,dpip,,SPIP 92,Jean.DUPONT@justice.fr"))
    assert plan.counts()["update"] == 1
    assert get_user_model().objects.filter(email__iexact="jean.dupont@justice.fr").count() == 1
    assert Membership.objects.get(user=agent, jurisdiction=alpha, is_active=True).role == Role.DPIP
    assert Membership.objects.get(user=agent, jurisdiction=beta).role == Role.CPIP
    agent.refresh_from_db()
    assert agent.has_usable_password()


def test_french_role_labels_are_understood(alpha):
    plan = AgentsImporter(alpha).analyse(
        agents_file(
            "A,B,Conseiller pénitentiaire d'insertion et de probation,,SPIP,a@justice.fr",
            "C,D,Administrateur local,,SPIP,c@justice.fr",
            "E,F,JAP,,TJ,e@justice.fr",
        )
    )
    assert plan.errors == []
    assert [row.data["role"] for row in plan.rows] == [Role.CPIP, Role.LOCAL_ADMIN, Role.JAP]


def test_bad_rows_are_named_and_nothing_changes(alpha, django_capture_on_commit_callbacks):
    data = agents_file(
        "Martin,Léa,cpip,,SPIP 92,lea.martin@justice.fr",
        "Durand,Paul,magicien,,SPIP 92,paul.durand@justice.fr",
        "Petit,Zoé,cpip,,SPIP 92,pas-une-adresse",
        "Martin,Léa,cpip,,SPIP 92,LEA.MARTIN@justice.fr",
    )
    importer = AgentsImporter(alpha)
    plan = importer.analyse(data)
    errors = {(e.line, e.column): e.message for e in plan.errors}
    assert errors == {
        (3, "Rôle"): "Rôle inconnu : « magicien ».",
        (4, "Adresse électronique"): "Adresse électronique invalide : « pas-une-adresse ».",
        (5, "Adresse électronique"): (
            "Le même agent figure deux fois dans le fichier : cette adresse est déjà ligne 2."
        ),
    }
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ImportRefused):
        importer.apply(plan, acting_user=None)
    assert not get_user_model().objects.filter(email__endswith="@justice.fr").exists()
    assert mail.outbox == []

    run(alpha, data, valid_only=True, capture=django_capture_on_commit_callbacks)
    assert list(get_user_model().objects.values_list("email", flat=True)) == [
        "lea.martin@justice.fr"
    ]
    assert len(mail.outbox) == 1


def test_missing_columns_are_named(alpha):
    plan = AgentsImporter(alpha).analyse(b"NOM,PRENOM\nA,B\n")
    assert plan.file_error.startswith("Colonnes manquantes : Rôle, Adresse électronique.")


def test_command_line_dry_run_sends_nothing_and_changes_nothing(alpha, tmp_path, capsys):
    path = tmp_path / "agents.csv"
    path.write_bytes(SAMPLE.read_bytes())
    call_command("import_agents", str(path), jurisdiction="alpha", dry_run=True)
    out = capsys.readouterr().out
    assert "À créer : 40" in out and "rien n'a été importé" in out
    assert not Membership.objects.filter(jurisdiction=alpha).exists()
    assert mail.outbox == []
    path.write_bytes(agents_file("Durand,Paul,magicien,,SPIP 92,paul.durand@justice.fr"))
    with pytest.raises(CommandError):
        call_command("import_agents", str(path), jurisdiction="alpha")
    assert "ligne 2, colonne « Rôle » : Rôle inconnu" in capsys.readouterr().out


def test_xlsx_agents_through_the_pages_mail_after_confirmation_only(
    alpha, django_capture_on_commit_callbacks
):
    import io
    from unittest import mock

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from openpyxl import Workbook

    from onboarding.imports import tasks as import_tasks
    from onboarding.models import ImportJob

    workbook = Workbook()
    workbook.active.append(["Nom", "Prénom", "Rôle", "Téléphone", "Service", "Courriel"])
    workbook.active.append(["Martin", "Léa", "cpip", "01 23 45 67 89", "SPIP", "lea@justice.fr"])
    workbook.active.append(["Petit", "Jules", "jap", None, "TJ", "jules@justice.fr"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True))
    patches = (
        mock.patch.object(import_tasks.analyse_import, "delay", import_tasks.analyse_import),
        mock.patch.object(import_tasks.apply_import, "delay", import_tasks.apply_import),
    )
    with patches[0], patches[1], django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("agents.xlsx", buffer.getvalue())
        officer.post("/deploiement/juridictions/alpha/imports/", {"kind": "agents", "file": upload})
    job = ImportJob.objects.get()
    assert job.state == "analysed" and job.preview["counts"]["create"] == 2
    assert mail.outbox == []
    assert not Membership.objects.filter(jurisdiction=alpha).exists()
    with patches[0], patches[1], django_capture_on_commit_callbacks(execute=True):
        officer.post(f"/deploiement/imports/{job.pk}/confirmer/")
    assert Membership.objects.filter(jurisdiction=alpha).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "jules@justice.fr",
        "lea@justice.fr",
    ]


def test_phones_are_read_with_the_jurisdiction_region_and_kept_when_a_file_omits_them(
    alpha, django_capture_on_commit_callbacks
):
    run(alpha, SAMPLE.read_bytes(), capture=django_capture_on_commit_callbacks)
    ndiaye = Membership.objects.get(user__email="jean.n-diaye1@justice.fr", jurisdiction=alpha)
    assert ndiaye.work_phone == "+33195923673"  # "01 95 92 36 73" in the sample
    legrand = Membership.objects.get(user__email="hugo.legrand0@justice.fr", jurisdiction=alpha)
    assert legrand.work_phone == ""

    # Without the phone, a re-import keeps it; a new number updates it; "00…" is international.
    plan = run(alpha, agents_file("N'Diaye,Jean,dpip,,SPIP 92,jean.n-diaye1@justice.fr"))
    assert plan.counts()["unchanged"] == 1
    ndiaye.refresh_from_db()
    assert ndiaye.work_phone == "+33195923673"
    plan = run(
        alpha,
        agents_file(
            "N'Diaye,Jean,dpip,06 12 34 56 78,SPIP 92,jean.n-diaye1@justice.fr",
            "Legrand,Hugo,educator,0032 2 555 12 12,SPIP 92,hugo.legrand0@justice.fr",
        ),
    )
    assert plan.counts()["update"] == 2
    ndiaye.refresh_from_db()
    legrand.refresh_from_db()
    assert (ndiaye.work_phone, legrand.work_phone) == ("+33612345678", "+3225551212")


def test_an_unreadable_phone_rejects_its_row_and_nothing_changes(alpha):
    importer = AgentsImporter(alpha)
    plan = importer.analyse(
        agents_file(
            "Martin,Léa,cpip,01 23,SPIP 92,lea.martin@justice.fr",
            "Petit,Zoé,cpip,01 40 97 10 11,SPIP 92,zoe.petit@justice.fr",
        )
    )
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (2, "Téléphone", "« 01 23 » : Ce numéro de téléphone est incomplet ou trop long.")
    ]
    with pytest.raises(ImportRefused):
        importer.apply(plan, acting_user=None)
    assert not Membership.objects.filter(jurisdiction=alpha).exists()


def test_the_agents_list_shows_the_work_phone(alpha):
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN)
    MembershipFactory(jurisdiction=alpha, role=Role.CPIP, work_phone="+33140971011")
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, admin.user)
    response = client.get("/organisation/agents/")
    assert response.status_code == 200
    assert "01 40 97 10 11" in response.content.decode()
