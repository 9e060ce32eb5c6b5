"""Signing in through the pages, as an agent does: e-mail and password, then the second factor
that privileged accounts must pass (a TOTP code from an authenticator enrolled beforehand)."""

import re

from playwright.sync_api import expect

from shared.accounts.second_factor import requires_second_factor
from tests.auth import enrol_totp, totp_code
from tests.factories import PASSWORD


def sign_in_through_pages(page, login_url: str, user) -> None:
    secret = enrol_totp(user) if requires_second_factor(user) else None
    page.goto(login_url)
    page.get_by_label("Adresse électronique professionnelle").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    if secret is not None:
        code = page.locator("input[name=code]")
        code.fill(totp_code(secret))
        code.press("Enter")
        # Wait for the answer to the code, not only for the current page: navigating away before
        # the server has answered would leave the sign-in half done.
        expect(page).not_to_have_url(re.compile(r"/2fa/"))
