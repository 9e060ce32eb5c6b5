"""Security headers (issue 16): a strict Content-Security-Policy with a nonce, Permissions-Policy,
and Cache-Control: no-store on what a session or the API sees, not on the cached public site."""

import re

import pytest
from django.test import Client

from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.portal.helpers import make_mobile_person, person_client


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


@pytest.fixture
def agent_browser(alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user)
    return client


def test_a_jurisdiction_page_has_a_strict_policy_with_a_nonce(agent_browser):
    response = agent_browser.get("/tableau-de-bord/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["form-action"][0] == "'self'"
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    (nonce,) = [s for s in policy["style-src"] if s.startswith("'nonce-")]
    html = response.content.decode()
    # The jurisdiction's colour is the one inline block, and it carries this response's nonce.
    assert f'<style nonce="{nonce[7:-1]}">' in html
    assert nonce in policy["script-src"]


def test_every_template_is_free_of_inline_code():
    """No inline handler, javascript: URL, inline script or style attribute in any template
    (the policy would block them); the one <style> block carries the nonce."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text()
        if re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE):
            offenders.append(f"{template}: inline handler")
        if re.search(r"javascript:", text, re.IGNORECASE):
            offenders.append(f"{template}: javascript: URL")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{template}: style attribute")
        for block in re.findall(r"<style[^>]*>", text):
            # A document written into a downloaded file (the export's summary) is never served:
            # no policy applies to it, and it must style itself.
            if (
                "request.csp_nonce" not in block
                and root / "casefile/export" not in template.parents
            ):
                offenders.append(f"{template}: <style> without nonce")
    assert offenders == []


def test_the_public_site_has_the_policy_and_no_nonce_in_cached_pages(jurisdictions):
    response = Client(HTTP_HOST="localhost").get("/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    # A page cached for every visitor must not hold a nonce (it would be another response's).
    assert "nonce=" not in response.content.decode()


def test_permissions_policy_denies_powerful_features(agent_browser):
    header = agent_browser.get("/tableau-de-bord/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


def test_no_store_on_authenticated_pages(agent_browser):
    response = agent_browser.get("/tableau-de-bord/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_no_store_on_the_api_signed_in_or_not(agent_browser):
    assert "no-store" in agent_browser.get("/api/v1/battements/")["Cache-Control"]
    anonymous = Client(HTTP_HOST="alpha.localhost").get("/api/v1/battements/")
    assert anonymous.status_code in (401, 403)
    assert "no-store" in anonymous["Cache-Control"]


def test_no_store_on_file_downloads(jurisdictions):
    national = UserFactory(national_team=True)
    client = Client(HTTP_HOST="localhost")
    sign_in(client, national)
    export = client.get("/statistiques/export.csv")
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]
    assert "no-store" in export["Cache-Control"]


def test_no_store_on_the_portal_when_a_person_is_signed_in(alpha):
    person = make_mobile_person(alpha, last_name="DURAND", first_names="Paul")
    response = person_client(alpha, person).get("/mon-espace/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_cached_pages_keep_their_headers(jurisdictions):
    visitor = Client(HTTP_HOST="localhost")
    for _ in range(2):  # a miss, then a hit of the page cache
        response = visitor.get("/")
        assert response.status_code == 200
        assert "Cache-Control" not in response
    assert response.get("X-Cache") == "hit"
