"""Browser journey of the SMS template editor: live preview (static/js/sms_editor.js), the
replacement of characters forcing UCS-2, saving, and the list saying whose text applies."""

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.notifications import texts
from jurisdiction_apps.notifications.models import TemplateOverride
from jurisdiction_apps.organisation.models import AppointmentType
from tenants.constants import Role
from tests.e2e.test_backoffice_journeys import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

LONG_TEXT = (
    "Rappel : vous avez rendez-vous le {date} à {heure}, {lieu}, {adresse}. "
    "Votre présence est obligatoire. Apportez une pièce d'identité. "
    "Si vous ne pouvez pas venir, appelez le {telephone}."
)


def test_local_admin_writes_the_reminder_of_a_type_with_the_live_preview(
    page, live_url, committed_db
):
    alpha = committed_db["alpha"]
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
    base = live_url.format(host="alpha.localhost")
    sign_in(page, base, admin)

    page.get_by_role("button", name="Pilotage").click()
    page.get_by_role("link", name="Textes des SMS").first.click()
    expect(page.locator("h1")).to_have_text("Textes des SMS")
    reminder_row = page.locator(f"#type-{kind.pk} + p + div tr", has_text="Rappel")
    expect(reminder_row).to_contain_text("Texte national")
    page.get_by_role(
        "link", name="Modifier le SMS « Rappel » du type Convocation de suivi SPIP"
    ).click()

    edit_url = page.url
    segments = page.locator("#apercu-parties")
    encoding = page.locator("#apercu-encodage")
    expect(segments).to_have_text("2")
    expect(encoding).to_have_text("GSM-7")

    text = page.get_by_label("Texte du SMS")
    text.fill(LONG_TEXT)
    expect(segments).to_have_text("3")  # updated while typing, nothing submitted
    expect(page.locator("#apercu-texte")).to_contain_text("Votre présence est obligatoire")
    expect(page.locator("#apercu-ucs2")).to_be_hidden()

    text.press("End")
    text.press_sequentially(" Merci d’avance.")
    expect(encoding).to_have_text("UCS-2")
    expect(page.locator("#apercu-ucs2-liste")).to_contain_text("« ’ » (apostrophe typographique)")
    expect(page.locator("#apercu-texte mark")).to_have_text("’")
    expect(segments).to_have_text("6")

    page.get_by_role("button", name="Remplacer par des caractères GSM-7").click()
    expect(encoding).to_have_text("GSM-7")
    expect(segments).to_have_text("3")
    expect(text).to_have_value(LONG_TEXT + " Merci d'avance.")
    expect(page.locator("#apercu-ucs2")).to_be_hidden()
    assert page.url == edit_url  # replaced in place, not submitted
    with tenant_context(alpha):
        assert not TemplateOverride.objects.exists()

    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("enregistré")
    expect(page.locator("h1")).to_have_text("Textes des SMS")
    expect(reminder_row).to_contain_text("Texte de la juridiction")
    expect(reminder_row).to_contain_text("3 SMS")
    with tenant_context(alpha):
        assert texts.template_text(kind, "reminder") == (LONG_TEXT + " Merci d'avance.", True)


def test_the_preview_and_the_replacement_work_without_javascript(browser, live_url, committed_db):
    alpha = committed_db["alpha"]
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        base = live_url.format(host="alpha.localhost")
        sign_in(page, base, admin)
        page.goto(f"{base}/sms/textes/{kind.pk}/reminder/")

        page.get_by_label("Texte du SMS").fill("Rappel : l’entretien du {date} à {heure}.")
        page.get_by_role("button", name="Prévisualiser").click()
        expect(page.locator("#apercu-encodage")).to_have_text("UCS-2")
        expect(page.locator("#apercu-texte")).to_contain_text("l’entretien du mercredi 17")
        page.get_by_role("button", name="Remplacer par des caractères GSM-7").click()
        expect(page.locator("#apercu-encodage")).to_have_text("GSM-7")
        expect(page.get_by_label("Texte du SMS")).to_have_value(
            "Rappel : l'entretien du {date} à {heure}."
        )
        with tenant_context(alpha):
            assert not TemplateOverride.objects.exists()
    finally:
        context.close()
