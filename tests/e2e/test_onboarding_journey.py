"""Browser journey of issue 5: a deployment officer creates a jurisdiction, uploads agents.csv and
appi_export.csv, reads the preview, confirms, watches the progress, imports agenda_spip.ics,
completes the checklist and switches the jurisdiction live; an imported agent then signs in on
the new host.

The samples do not share people: the 35 people of agenda_spip.ics are not in appi_export.csv.
The officer therefore also imports their APPI lines (written here in the export's own format,
Windows-1252 and ";"), as a real export of the SPIP would hold them. The places come from a
places file, as the officer would prepare it.
"""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.notifications.constants import MessageKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import Agenda, AppointmentType
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment, SlotTemplate
from tenants.constants import JurisdictionStatus
from tenants.models import Jurisdiction
from tests.e2e.axe import assert_accessible
from tests.e2e.test_onboarding_creation import sign_in_officer
from tests.e2e.test_sms_journey import receipts_gateway  # noqa: F401

pytestmark = pytest.mark.e2e

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples"
HEADER = (
    '"Nom";"Prénom";"Nom d\'usage";"Numéro de dossier";"Date de naissance";"Age";'
    '"Mesure/Intervention";"Numéro de parquet";"Alias";"Commune de domicile";'
    '"Typologie du suivi/segment";"Attribution JAP"'
)


def ics_people_as_appi_export(path: Path) -> Path:
    ics = (SAMPLES / "agenda_spip.ics").read_text(encoding="utf-8")
    found = re.findall(
        r"SUMMARY:.* - (.+)\r?\nDESCRIPTION:Dossier APPI (\d+)\\nNé\(e\) le ([\d/]+)", ics
    )
    lines, seen = [HEADER], set()
    for who, appi, birth in found:
        if appi in seen:
            continue
        seen.add(appi)
        words = who.split()
        last = " ".join(w for w in words if w.isupper())
        first = " ".join(w for w in words if not w.isupper())
        lines.append(
            f'"{last}";"{first}";" ";"n°{appi}";"{birth}";"40";'
            '"SURSIS PROBATOIRE (01/09/2025)";" ";" ";"NANTERRE";" ";" "'
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def places_file(path: Path) -> Path:
    path.write_text(
        "Nom du lieu;Adresse;Code postal;Commune;Agendas\n"
        "SPIP 92 - Antenne de Nanterre;1 rue Exemple;92000;Nanterre;Équipe 1\n",
        encoding="utf-8",
    )
    return path


def upload(page, base, slug, kind_label, path: Path):
    page.goto(f"{base}/deploiement/juridictions/{slug}/imports/")
    page.get_by_label("Type d'import").select_option(label=kind_label)
    page.get_by_label("Fichier").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    # The analysis runs in the worker; the page shows the preview when it is ready.
    expect(page.get_by_role("button", name="Importer")).to_be_visible(timeout=30_000)


def confirm_and_wait(page, *, valid_only=False):
    if valid_only:
        page.locator("label[for=valid_only]").click()
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("main")).to_contain_text("Importé", timeout=60_000)


def test_an_officer_opens_a_jurisdiction_from_the_sample_files_and_an_agent_signs_in(
    page,
    browser,
    live_url,
    committed_db,
    celery_worker,
    receipts_gateway,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    base = live_url.format(host="localhost")
    sign_in_officer(page, base)

    # 1. Create the jurisdiction.
    page.goto(base + "/deploiement/juridictions/nouvelle/")
    page.get_by_label("Nom affiché").fill("Juridiction Zêta")
    page.get_by_label("Nom du tribunal judiciaire").fill("Tribunal judiciaire de Zêta")
    page.get_by_label("Nom du SPIP").fill("SPIP de Zêta")
    page.get_by_label("Départements").fill("92")
    page.get_by_label("Identifiant court").fill("zeta")
    page.get_by_label("Fuseau horaire").fill("Europe/Paris")
    page.get_by_label("Région téléphonique").select_option("FR")
    page.get_by_label("Expéditeur des SMS").fill("SPIPZETA")
    page.get_by_role("button", name="Créer la juridiction").click()
    expect(page.get_by_text("Juridiction prête")).to_be_visible(timeout=30_000)
    zeta = Jurisdiction.objects.get(slug="zeta")
    assert zeta.status == JurisdictionStatus.ONBOARDING

    # 2. Agents, then people: preview, confirm, progress, report.
    upload(page, base, "zeta", "Agents", SAMPLES / "agents.csv")
    assert_accessible(page, context="import preview")
    mail.outbox.clear()
    confirm_and_wait(page)
    invitations = list(mail.outbox)
    assert invitations, "invitation e-mails go out after the import"

    upload(page, base, "zeta", "Personnes suivies (export APPI)", SAMPLES / "appi_export.csv")
    # The sample repeats one person (line 202): named in the preview, import the valid rows.
    expect(page.locator("main")).to_contain_text("202")
    confirm_and_wait(page, valid_only=True)
    with page.expect_download() as report:
        page.get_by_role("link", name=re.compile("Télécharger le rapport")).click()
    report_text = Path(report.value.path()).read_text(encoding="utf-8-sig")
    assert report_text.startswith("ligne;statut;colonne;message")
    assert "La même personne figure deux fois" in report_text

    upload(
        page,
        base,
        "zeta",
        "Personnes suivies (export APPI)",
        ics_people_as_appi_export(tmp_path / "appi_agenda.csv"),
    )
    confirm_and_wait(page)
    upload(page, base, "zeta", "Lieux et agendas", places_file(tmp_path / "lieux.csv"))
    confirm_and_wait(page)

    # 3. The existing calendar, from iCalendar.
    upload(page, base, "zeta", "Rendez-vous (CSV, XLSX ou iCalendar)", SAMPLES / "agenda_spip.ics")
    # The sample holds the same appointment twice (lines 319 and 391): named, valid rows only.
    expect(page.locator("main")).to_contain_text("Le même rendez-vous figure deux fois")
    assert_accessible(page, context="calendar import preview")
    confirm_and_wait(page, valid_only=True)
    with tenant_context(zeta):
        assert Person.objects.count() >= 175 + 35
        imported = Appointment.objects.count()
        assert imported == 59
        assert not Message.objects.exists()  # nothing is sent before go-live
        future = Appointment.objects.filter(starts_at__gt=timezone.now(), state="booked").count()
        # The local team defines its slot templates in the back-office (not an import).
        SlotTemplate.objects.create(
            agenda=Agenda.objects.get(name="Équipe 1"),
            appointment_type=AppointmentType.objects.get(code="convocation-stage"),
            weekday=1,
            start_time="09:00",
        )

    # 4. The checklist: SMS texts reviewed, test SMS received, then go live.
    page.goto(f"{base}/deploiement/juridictions/zeta/")
    assert_accessible(page, context="checklist")
    page.get_by_role("button", name="J'ai relu les textes des SMS").click()
    page.get_by_label("Votre numéro de portable").fill("06 11 22 33 44")
    page.get_by_role("button", name=re.compile("Envoyer le SMS de test")).click()
    code = None
    for sms in receipts_gateway.messages():  # sent during the request: already there
        found = re.search(r"\b(\d{6})\b", sms["text"])
        if found and sms["destination"].lstrip("+") == "33611223344":
            code = found.group(1)
    assert code, receipts_gateway.messages()
    page.get_by_label("Code reçu par SMS").fill(code)
    page.get_by_role("button", name="Valider le code").click()
    expect(page.locator("#liste-mise-en-service caption")).to_contain_text("5 sur 5")
    page.get_by_role("button", name="Mettre en service", exact=True).click()
    expect(page.locator("main")).to_contain_text(re.compile("en service", re.IGNORECASE))
    zeta.refresh_from_db()
    assert zeta.status == JurisdictionStatus.LIVE
    with tenant_context(zeta):
        reminders = Message.objects.filter(kind=MessageKind.REMINDER).count()
    assert reminders == future  # scheduled at go-live, one per future appointment

    # 5. An imported agent sets a password from the invitation and signs in on the new host.
    message = next(m for m in invitations if "oceane.garcia2@justice.fr" in m.to)
    (link,) = re.findall(r"https?://\S+/comptes/password/reset/key/\S+/", message.body)
    zeta_base = live_url.format(host="zeta.localhost")
    agent = browser.new_context(locale="fr-FR").new_page()
    agent.goto(zeta_base + "/comptes/" + link.split("/comptes/", 1)[1])
    agent.locator("input[name=password1]").fill("Un-mot-de-passe-solide-2027")
    agent.locator("input[name=password2]").fill("Un-mot-de-passe-solide-2027")
    agent.locator("main form button[type=submit]").first.click()
    agent.goto(zeta_base + "/")
    agent.get_by_label("Adresse électronique professionnelle").fill("oceane.garcia2@justice.fr")
    agent.get_by_label("Mot de passe").fill("Un-mot-de-passe-solide-2027")
    agent.get_by_role("button", name="Se connecter", exact=True).click()
    expect(agent).to_have_url(zeta_base + "/tableau-de-bord/")
    agent.context.close()
