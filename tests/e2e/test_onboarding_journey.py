"""Browser journey of issue 17: a deployment officer opens a jurisdiction and completes every
item of its go-live checklist alone, with the onboarding kit (../shared/data/onboarding-kit):
agents, places, people, appointments, then the "Équipe 2" agenda's .ics (nothing twice); a slot
template and the SMS texts on the jurisdiction's host through the temporary access (ADR 0017);
the test SMS through the local gateway; go-live, which ends that access. axe-core on every page of
the journey; the `page` fixture fails on any console error or CSP violation. An imported agent
then signs in on the new host.

The kit's dates are fixed (July 2026 to June 2027): on any day nothing is rejected (a past
appointment becomes history awaiting its outcome); only the count of reminders at go-live
depends on the day, and it is compared with the future bookings counted at that moment.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.notifications.constants import MessageKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.constants import BookingMode
from jurisdiction_apps.organisation.models import Agenda
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment, SlotTemplate
from tenants.constants import JurisdictionStatus
from tenants.models import Jurisdiction, JurisdictionEvent, Membership
from tests.e2e.axe import assert_accessible
from tests.e2e.test_onboarding_creation import sign_in_officer
from tests.e2e.test_sms_journey import receipts_gateway  # noqa: F401

pytestmark = pytest.mark.e2e

KIT = Path(__file__).resolve().parents[3] / "shared" / "data" / "onboarding-kit"


def kit_rows(name: str) -> list[dict]:
    text = (KIT / name).read_text(encoding="cp1252")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


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
    expect(page.locator("#etat-import")).to_have_text("Importé", timeout=60_000)


def counts(page) -> dict[str, int]:
    found = re.findall(r"^(.+?) : (\d+)$", page.locator("#comptes-import").inner_text(), re.M)
    return {label: int(value) for label, value in found}


def test_an_officer_opens_a_jurisdiction_alone_with_the_kit(
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
    officer = sign_in_officer(page, base)

    # 1. Create the jurisdiction.
    page.goto(base + "/deploiement/juridictions/nouvelle/")
    page.get_by_label("Nom affiché").fill("Juridiction Zêta")
    page.get_by_label("Nom du tribunal judiciaire").fill("Tribunal judiciaire de Zêta")
    page.get_by_label("Nom du SPIP").fill("SPIP de Zêta")
    page.get_by_label("Départements").fill("92")
    page.get_by_label("Identifiant court").fill("zeta")
    page.get_by_label("Fuseau horaire").select_option("Europe/Paris")
    page.get_by_label("Région téléphonique").select_option("FR")
    page.get_by_label("Expéditeur des SMS").fill("SPIPZETA")
    page.get_by_role("button", name="Créer la juridiction").click()
    expect(page.get_by_text("Juridiction prête")).to_be_visible(timeout=30_000)
    zeta = Jurisdiction.objects.get(slug="zeta")
    assert zeta.status == JurisdictionStatus.ONBOARDING

    # 2. The imports page: order, columns, model files, back to the checklist.
    page.goto(f"{base}/deploiement/juridictions/zeta/")
    assert_accessible(page, context="checklist, nothing done")
    page.get_by_role("link", name="Importer les agents", exact=True).click()
    expect(page.locator("#ordre-des-imports > li")).to_have_count(4)
    assert_accessible(page, context="imports page")
    with page.expect_download() as model:
        page.locator("#import-places").get_by_role("link", name=re.compile("modèle")).click()
    assert Path(model.value.path()).read_text("utf-8-sig").startswith("Nom du lieu;Nature;")

    # A file with missing columns is refused, and said so.
    wrong = tmp_path / "agents_incomplets.csv"
    wrong.write_text("Nom;Prénom\nExemple;Camille\n", encoding="utf-8")
    page.get_by_label("Type d'import").select_option(label="1. Agents")
    page.get_by_label("Fichier").set_input_files(str(wrong))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("#etat-import")).to_have_text("Fichier refusé", timeout=30_000)
    expect(page.locator("#fichier-refuse")).to_contain_text("Colonnes manquantes")
    expect(page.get_by_text("Aperçu prêt")).to_have_count(0)
    assert_accessible(page, context="refused file")

    # 3. The kit, in its README's order.
    mail.outbox.clear()
    upload(page, base, "zeta", "1. Agents", KIT / "agents.csv")
    assert counts(page)["Rejetées"] == 0
    confirm_and_wait(page)
    invitations = list(mail.outbox)
    assert invitations, "invitation e-mails go out after the import"

    upload(page, base, "zeta", "2. Lieux et agendas", KIT / "places.csv")
    assert counts(page)["Rejetées"] == 0
    confirm_and_wait(page)

    upload(page, base, "zeta", "3. Personnes suivies (export APPI)", KIT / "appi_export.csv")
    preview = counts(page)
    assert preview["Rejetées"] == 1 and preview["Ignorées"] == 27
    # The duplicate line, grouped by cause with its fix and its line number.
    expect(page.locator("#lignes-rejetees")).to_contain_text("Lignes rejetées : 1")
    expect(page.locator("main details summary").first).to_contain_text("1 ligne :")
    assert_accessible(page, context="people preview with a rejected line")
    confirm_and_wait(page, valid_only=True)
    with page.expect_download() as report:
        page.get_by_role("link", name=re.compile("Télécharger le rapport")).click()
    report_text = Path(report.value.path()).read_text(encoding="utf-8-sig")
    assert report_text.startswith("ligne;statut;colonne;message")
    assert "La même personne figure deux fois" in report_text

    calendar = kit_rows("appointments.csv")
    upload(page, base, "zeta", "4. Rendez-vous (CSV, XLSX ou iCalendar)", KIT / "appointments.csv")
    assert counts(page)["Rejetées"] == 0
    assert counts(page)["À créer"] == len(calendar)
    confirm_and_wait(page)
    upload(
        page, base, "zeta", "4. Rendez-vous (CSV, XLSX ou iCalendar)", KIT / "agenda_equipe2.ics"
    )
    ics = counts(page)
    assert ics["Rejetées"] == 0 and ics["À créer"] == 0  # the CSV's appointments, not twice
    confirm_and_wait(page)
    with tenant_context(zeta):
        assert Appointment.objects.count() == len(calendar)
        # The export's rows but the duplicate and the 27 skipped measures.
        assert Person.objects.count() == len(kit_rows("appi_export.csv")) - 1 - 27
        assert not Message.objects.exists()  # nothing is sent before go-live
        pair = (
            Agenda.objects.active()
            .filter(place__appointment_types__booking_mode=BookingMode.SLOT)
            .values_list("place__name", "name", "place__appointment_types__label")
            .order_by("place__name", "name")
            .first()
        )
    assert pair is not None, "the kit's places offer a type booked on slots"

    # 4. The slot template, on the jurisdiction's host, through the temporary access.
    page.goto(f"{base}/deploiement/juridictions/zeta/")
    page.get_by_role("button", name="Ouvrir les modèles de créneaux").click()
    expect(page).to_have_url(re.compile(r"zeta\.localhost:\d+/organisation/modeles/$"))
    assert Membership.objects.get(user=officer, jurisdiction=zeta).onboarding_access
    page.goto(page.url + "nouveau/")
    place, agenda, kind = pair
    page.get_by_label("Agenda", exact=True).select_option(label=f"{place} — {agenda}")
    page.locator("#id_appointment_type").select_option(label=kind)
    page.locator("#id_weekday").select_option(index=1)
    page.locator("#id_start_time").fill("09:00")
    assert_accessible(page, context="slot template form on the jurisdiction host")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/organisation/modeles/$"))
    with tenant_context(zeta):
        assert SlotTemplate.objects.filter(is_active=True).count() == 1
    # Outside its pages, the access explains and leads back to the checklist.
    page.goto(page.url.split("/organisation/")[0] + "/personnes/")
    expect(page.locator("h1")).to_contain_text("pas ouverte à votre accès de mise en service")
    assert_accessible(page, context="page outside the temporary access")
    page.get_by_role("link", name="Revenir à la liste de mise en service").click()

    # 5. The SMS texts: read on the host, then confirmed on the checklist.
    page.get_by_role("button", name="Lire les textes des SMS").click()
    expect(page).to_have_url(re.compile(r"zeta\.localhost:\d+/sms/textes/$"))
    assert_accessible(page, context="SMS texts read by the officer")
    page.goto(f"{base}/deploiement/juridictions/zeta/")
    page.get_by_role("button", name="J'ai relu les textes des SMS").click()
    expect(page.locator("#point-sms_texts")).to_contain_text("Fait")

    # 6. The test SMS, through the local gateway.
    page.get_by_role("link", name="Envoyer le SMS de test").click()
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
    assert_accessible(page, context="checklist complete")

    # 7. Go live: the reminders of the future bookings, and the temporary access ends.
    with tenant_context(zeta):
        future = Appointment.objects.filter(starts_at__gt=timezone.now(), state="booked").count()
    page.get_by_role("button", name="Mettre en service", exact=True).click()
    expect(page.locator("main")).to_contain_text(re.compile("en service", re.IGNORECASE))
    zeta.refresh_from_db()
    assert zeta.status == JurisdictionStatus.LIVE
    with tenant_context(zeta):
        assert Message.objects.filter(kind=MessageKind.REMINDER).count() == future
    assert not Membership.objects.filter(user=officer, jurisdiction=zeta, is_active=True).exists()
    assert JurisdictionEvent.objects.filter(
        jurisdiction=zeta, kind=JurisdictionEvent.Kind.ONBOARDING_ACCESS_ENDED
    ).exists()
    page.goto(page.url.replace("localhost", "zeta.localhost", 1).split("/deploiement/")[0] + "/")
    expect(page.locator("h1")).to_have_text("Vous n'avez pas accès à cette juridiction")

    # 8. An imported agent sets a password from the invitation and signs in on the new host.
    kit_agent = next(
        row["EMAIL"]
        for row in csv.DictReader(io.StringIO((KIT / "agents.csv").read_text("utf-8")))
        if row["ROLE"] == "cpip"
    )
    message = next(m for m in invitations if kit_agent in m.to)
    (link,) = re.findall(r"https?://\S+/comptes/password/reset/key/\S+/", message.body)
    zeta_base = live_url.format(host="zeta.localhost")
    agent = browser.new_context(locale="fr-FR").new_page()
    agent.goto(zeta_base + "/comptes/" + link.split("/comptes/", 1)[1])
    agent.locator("input[name=password1]").fill("Un-mot-de-passe-solide-2027")
    agent.locator("input[name=password2]").fill("Un-mot-de-passe-solide-2027")
    agent.locator("main form button[type=submit]").first.click()
    agent.goto(zeta_base + "/")
    agent.get_by_label("Adresse électronique professionnelle").fill(kit_agent)
    agent.get_by_label("Mot de passe").fill("Un-mot-de-passe-solide-2027")
    agent.get_by_role("button", name="Se connecter", exact=True).click()
    expect(agent).to_have_url(zeta_base + "/tableau-de-bord/")
    agent.context.close()
