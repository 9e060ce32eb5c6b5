"""The API's documentation in a real browser (issue 20, point 4): Swagger UI and Redoc render the
schema from our own static files, with no Content-Security-Policy violation, no console error and
no request to another origin (the ``page`` fixture fails on the first two)."""

import pytest
from playwright.sync_api import expect

from tenants.constants import Role
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.e2e


def _requests_of(page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    return requests


def _elsewhere(requests: list[str], origin: str) -> list[str]:
    """Requests to another origin (a blob: or data: URL is the page's own memory)."""
    own = (origin, "blob:" + origin, "data:")
    return [url for url in requests if not url.startswith(own)]


def test_public_swagger_and_redoc_render_under_the_csp(page, live_url, committed_db):
    origin = live_url.format(host="localhost")
    requests = _requests_of(page)
    page.goto(origin + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("données nationales")
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/statistiques/")
    page.goto(origin + "/api/redoc/")
    expect(page.locator("#redoc-container")).to_contain_text("données nationales")
    expect(page.locator("#redoc-container")).to_contain_text("Annuaire de la réinsertion")
    # Its search (a worker built from a blob, allowed on this page) finds an operation.
    page.get_by_placeholder("Search...").fill("réinsertion")
    expect(page.locator("[data-role='search:results']")).to_contain_text("réinsertion")
    assert _elsewhere(requests, origin) == []


def test_a_jurisdiction_s_swagger_for_its_signed_in_agent(page, live_url, committed_db):
    alpha = committed_db["alpha"]
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    origin = live_url.format(host="alpha.localhost")
    requests = _requests_of(page)
    page.goto(origin + "/")
    page.get_by_label("Adresse électronique professionnelle").fill(agent.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page).to_have_url(origin + "/tableau-de-bord/")
    page.goto(origin + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("juridictions")
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/moi/")
    assert _elsewhere(requests, origin) == []
