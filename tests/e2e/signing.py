"""Signing in through the pages, as an agent does: e-mail and password, then the second factor
that privileged accounts must pass (a TOTP code from an authenticator enrolled beforehand)."""

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
        page.locator("input[name=code]").fill(totp_code(secret))
        page.locator("input[name=code]").press("Enter")
        page.wait_for_load_state()
