"""Browser journey of the portal messages: the person sends a PDF with a message on a small
phone screen, the follow-up team reads it from its inbox and answers, the person reads the answer
(also without JavaScript). Every page is checked with axe."""

from datetime import date
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.constants import ReadKind
from jurisdiction_apps.portal.models import Attachment, PortalMessage, TeamRead
from tenants.constants import Role
from tests.e2e.axe import assert_accessible
from tests.e2e.portal import open_portal_session
from tests.e2e.test_backoffice_journeys import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PHONE = {"width": 360, "height": 740}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_person_sends_a_pdf_and_the_team_answers(page, browser, live_url, committed_db):
    alpha = committed_db["alpha"]
    cpip = MembershipFactory(
        jurisdiction=alpha, role=Role.CPIP, user__first_name="Hugo", user__last_name="Conseiller"
    ).user
    with tenant_context(alpha):
        person = Person.objects.create(
            last_name="DURAND",
            first_names="Paul",
            birth_date=date(1990, 4, 2),
            phone="+33612345678",
            city="NANTERRE",
        )

    # The person, on a small phone screen.
    page.set_viewport_size(PHONE)
    base = open_portal_session(page, live_url, alpha, person)
    page.goto(base + "/mon-espace/messages/")
    expect(page.locator("h1")).to_have_text("Mes messages")
    expect(page.get_by_text("PDF, JPEG ou PNG, 10 Mo au plus")).to_be_visible()
    assert_accessible(page, context="portal messages, empty")
    page.get_by_label("Votre message").fill("Voici mon attestation de travail.")
    page.get_by_label("Ajouter un fichier").set_input_files(
        {"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".fr-alert--success")).to_contain_text(
        "Votre message et votre fichier sont envoyés"
    )
    expect(page.locator(".portal-msg")).to_have_count(1)
    expect(page.locator(".portal-msg").first).to_contain_text("Vous")
    expect(page.locator(".portal-msg").first).to_contain_text("Voici mon attestation de travail.")
    link = page.get_by_role("link", name="attestation.pdf")
    expect(link).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page, context="portal messages, after sending")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "attestation.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    with tenant_context(alpha):
        attachment = Attachment.objects.get()
        assert PortalMessage.objects.get().attachment_id == attachment.pk
    assert link.get_attribute("href") == f"/mon-espace/fichiers/{attachment.token}/"

    # The follow-up team, in its own browser.
    context = browser.new_context(locale="fr-FR")
    agent = context.new_page()
    agent.set_default_timeout(15_000)
    try:
        sign_in(agent, base, cpip)
        agent.goto(base + "/messages/")
        expect(agent.locator("h1")).to_have_text("Messages des personnes suivies")
        expect(agent.locator("#boite-messages")).to_contain_text("1 non lu")
        assert_accessible(agent, context="team inbox")
        agent.get_by_role("link", name="DURAND Paul").click()
        expect(agent.locator("h1")).to_have_text("Messages de DURAND Paul")
        expect(agent.locator(".portal-msg").first).to_contain_text("Voici mon attestation")
        assert_accessible(agent, context="team thread")
        agent.get_by_label("Votre réponse").fill("Bien reçu, merci. À jeudi.")
        agent.get_by_role("button", name="Envoyer la réponse").click()
        expect(agent.locator(".fr-alert--success")).to_contain_text("Votre réponse est envoyée")
        expect(agent.locator(".portal-msg")).to_have_count(2)
        assert_accessible(agent, context="team thread, after answering")
        agent.goto(base + "/messages/")
        expect(agent.locator("#boite-messages")).not_to_contain_text("non lu")
    finally:
        context.close()
    with tenant_context(alpha):
        assert TeamRead.objects.filter(kind=ReadKind.THREAD, agent_id=cpip.pk).exists()

    # The person reads the answer.
    page.goto(base + "/mon-espace/messages/")
    answer = page.locator(".portal-msg--team")
    expect(answer).to_contain_text("Votre équipe de suivi — Hugo")
    expect(answer).to_contain_text("Bien reçu, merci. À jeudi.")
    assert fits_the_screen(page)
    assert_accessible(page, context="portal messages, with the answer")

    # Reading works without JavaScript too.
    plain = browser.new_context(locale="fr-FR", java_script_enabled=False, viewport=PHONE)
    try:
        reader = plain.new_page()
        base = open_portal_session(reader, live_url, alpha, person)
        reader.goto(base + "/mon-espace/messages/")
        expect(reader.locator(".portal-msg")).to_have_count(2)
        expect(reader.get_by_text("Bien reçu, merci. À jeudi.")).to_be_visible()
        expect(reader.get_by_role("link", name="attestation.pdf")).to_be_visible()
    finally:
        plain.close()
