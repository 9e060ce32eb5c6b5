import pytest
from playwright.sync_api import expect

from tenants.constants import Role
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.e2e


def test_public_home_jurisdiction_home_sign_in_and_dashboard(page, live_url, committed_db):
    alpha, beta = committed_db["alpha"], committed_db["beta"]
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    MembershipFactory(jurisdiction=beta, user=agent, role=Role.PSYCHOLOGIST)

    page.goto(live_url.format(host="localhost") + "/")
    expect(page.locator("h1")).to_have_text("Suivi justice")
    assert page.locator("html").get_attribute("lang") == "fr"

    page.goto(live_url.format(host="alpha.localhost") + "/")
    expect(page.locator(".fr-header__service-title")).to_contain_text(alpha.display_name)
    expect(page.locator("h1")).to_have_text(alpha.display_name)
    # The DSFR stylesheet was served locally and applied.
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Marianne")

    page.get_by_label("Adresse électronique professionnelle").fill(agent.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(live_url.format(host="alpha.localhost") + "/tableau-de-bord/")
    expect(page.locator("main")).to_contain_text(
        "Conseiller pénitentiaire d'insertion et de probation"
    )
    expect(page.locator("#mes-juridictions")).to_contain_text(beta.name)

    # Switch to the other jurisdiction without signing in again.
    page.get_by_role("button", name=f"Passer à {beta.name}").click()
    expect(page).to_have_url(live_url.format(host="beta.localhost") + "/tableau-de-bord/")
    expect(page.locator("main")).to_contain_text("Psychologue")
