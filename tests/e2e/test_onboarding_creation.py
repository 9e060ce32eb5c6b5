"""Browser journey of a deployment officer: creates a jurisdiction in the form, watches it being
prepared by the Celery worker (the page refreshes itself, no JavaScript needed), opens its go-live
checklist. axe-core on the form, the progress page and the checklist."""

import pytest
from playwright.sync_api import expect

import onboarding.creation.tasks  # noqa: F401 - registered before the worker starts
from onboarding.models import CreationRequest
from tenants.models import Jurisdiction
from tests.e2e.axe import assert_accessible
from tests.e2e.signing import sign_in_through_pages
from tests.factories import UserFactory
from tests.images import PNG

pytestmark = pytest.mark.e2e


def sign_in_officer(page, base):
    """A deployment officer signs in on the public host."""
    officer = UserFactory(deployment_officer=True)
    sign_in_through_pages(page, base + "/comptes/login/", officer)
    return officer


def test_an_officer_creates_a_jurisdiction_and_opens_its_checklist(
    page, live_url, committed_db, celery_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the logo (worker and live server run in this process)
    base = live_url.format(host="localhost")
    sign_in_officer(page, base)

    page.goto(base + "/deploiement/")
    page.get_by_role("link", name="Créer une juridiction").click()
    expect(page.locator("h1")).to_have_text("Créer une juridiction")
    page.get_by_label("Nom affiché").fill("Juridiction Epsilon")
    page.get_by_label("Nom du tribunal judiciaire").fill("Tribunal judiciaire d'Epsilon")
    page.get_by_label("Nom du SPIP").fill("SPIP d'Epsilon")
    page.get_by_label("Départements").fill("971")
    page.get_by_label("Identifiant court").fill("epsilon")
    page.get_by_label("Fuseau horaire").select_option("America/Guadeloupe")
    page.get_by_label("Région téléphonique").select_option("GP")
    page.get_by_label("Expéditeur des SMS").fill("123")  # digits only: refused
    page.get_by_label("Logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert_accessible(page, context="creation form")
    page.get_by_role("button", name="Créer la juridiction").click()
    expect(page.get_by_text("pas uniquement des chiffres").first).to_be_visible()
    assert_accessible(page, context="creation form with errors")
    assert not CreationRequest.objects.exists()

    page.get_by_label("Expéditeur des SMS").fill("TJEPSILON")
    page.get_by_label("Logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Créer la juridiction").click()
    expect(page.locator("h1")).to_have_text("Création de « Juridiction Epsilon »")
    # The meta refresh reloads the page until the worker is done.
    expect(page.get_by_text("Juridiction prête")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Préparée en")).to_be_visible()
    assert_accessible(page, context="creation progress")

    creation = CreationRequest.objects.get()
    assert creation.state == "ready" and creation.seconds < 10
    epsilon = Jurisdiction.objects.get(slug="epsilon")
    assert epsilon.time_zone == "America/Guadeloupe" and epsilon.phone_region == "GP"
    assert epsilon.logo.name

    page.get_by_role("link", name="Ouvrir la liste de mise en service").click()
    expect(page.locator("h1")).to_have_text("Mise en service de Juridiction Epsilon")
    expect(page.locator("#liste-mise-en-service caption")).to_contain_text("0 sur 5")
    expect(page.get_by_role("button", name="Mettre en service", exact=True)).to_be_disabled()
    assert_accessible(page, context="go-live checklist")
