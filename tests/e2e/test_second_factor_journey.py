"""A local admin without a second factor signs in, is sent to enrol, adds a security key (Chromium's
virtual authenticator stands for the key or the phone's passkey), and signs in with it next time."""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tenants.constants import Role
from tests.e2e.axe import assert_accessible
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.e2e


def add_virtual_authenticator(page) -> None:
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def password_step(page, base, user) -> None:
    page.goto(base + "/")
    page.get_by_label("Adresse électronique professionnelle").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def test_a_local_admin_enrols_a_security_key_and_signs_in_with_it(
    page, live_url, committed_db, settings
):
    # Browsers allow WebAuthn on http://*.localhost; the server must accept that origin too.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    admin = MembershipFactory(jurisdiction=committed_db["alpha"], role=Role.LOCAL_ADMIN).user
    base = live_url.format(host="alpha.localhost")
    add_virtual_authenticator(page)

    password_step(page, base, admin)
    expect(page).to_have_url(base + "/comptes/2fa/")
    expect(page.locator("body")).to_contain_text("activez une double authentification")
    assert_accessible(page, context="second factor: enrol")
    # Any other page sends back here.
    page.goto(base + "/personnes/")
    expect(page).to_have_url(base + "/comptes/2fa/")

    page.goto(base + "/comptes/2fa/webauthn/add/")
    if "/comptes/reauthenticate/" in page.url:  # adding a factor asks the password again
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Confirmer").click()
    assert_accessible(page, context="second factor: add a security key")
    page.get_by_label("Nom de la clé").fill("Clé du bureau")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.WEBAUTHN).exists()
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.RECOVERY_CODES).exists()
    page.goto(base + "/tableau-de-bord/")
    expect(page).to_have_url(base + "/tableau-de-bord/")

    # Next time: the password, then the key.
    page.context.clear_cookies()
    password_step(page, base, admin)
    expect(page).to_have_url(base + "/comptes/2fa/authenticate/")
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page).to_have_url(base + "/tableau-de-bord/")
