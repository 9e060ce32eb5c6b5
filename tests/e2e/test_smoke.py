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
    page.get_by_role("button", name="Se connecter", exact=True).click()

    expect(page).to_have_url(live_url.format(host="alpha.localhost") + "/tableau-de-bord/")
    expect(page.locator("main")).to_contain_text(
        "Conseiller pénitentiaire d'insertion et de probation"
    )
    expect(page.locator("#mes-juridictions")).to_contain_text(beta.name)

    # Switch to the other jurisdiction without signing in again.
    page.get_by_role("button", name=f"Passer à {beta.name}").click()
    expect(page).to_have_url(live_url.format(host="beta.localhost") + "/tableau-de-bord/")
    expect(page.locator("main")).to_contain_text("Psychologue")


def test_the_policy_blocks_injected_inline_code_and_the_tests_see_it(page, live_url, committed_db):
    """The collector of the page fixture works: an injected inline handler and script are refused
    by the browser (issue 16) and reported; then the list is emptied for the fixture's check."""
    page.goto(live_url.format(host="alpha.localhost") + "/")
    page.evaluate(
        """() => {
          window.injected = false;
          const img = document.createElement("div");
          img.innerHTML = '<img src="data:," onerror="window.injected = true">';
          document.body.appendChild(img);
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.injected") is False
    assert any("script-src" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()
