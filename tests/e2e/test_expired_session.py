"""Browser journeys of sessions that end kindly (issue 17, point 4): a half-typed message survives
an expired session (kept in the tab's sessionStorage by static/js/drafts.js, never on the
server), the sign-in page says the session expired, and a warning with "Rester connecté" comes
before the end. Every page is checked with axe."""

import time
from datetime import date

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.models import PortalMessage
from jurisdiction_apps.portal.session import SESSION_KEY
from shared.accounts import session_guard
from tenants.constants import Role
from tests.e2e.axe import assert_accessible
from tests.e2e.portal import open_portal_session
from tests.e2e.test_backoffice_journeys import sign_in
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.e2e

HALF_TYPED = "Bonjour, je ne pourrai pas venir jeudi car"
RESTORED = "Votre saisie précédente a été restaurée"


def drafts_in_tab(page) -> list:
    return page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('brouillon:'))")


def session_of(page) -> SessionStore:
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    return SessionStore(session_key=cookie["value"])


def make_person(alpha) -> Person:
    with tenant_context(alpha):
        return Person.objects.create(
            last_name="DURAND",
            first_names="Paul",
            birth_date=date(1990, 4, 2),
            phone="+33612345678",
            city="NANTERRE",
        )


def test_a_half_typed_portal_message_survives_an_expired_session(page, live_url, committed_db):
    alpha = committed_db["alpha"]
    person = make_person(alpha)
    base = open_portal_session(page, live_url, alpha, person)
    page.goto(base + "/mon-espace/messages/")
    expect(page.locator("h1")).to_have_text("Mes messages")
    page.get_by_label("Votre message").fill(HALF_TYPED)

    # 31 minutes later, as far as the server knows.
    stored = session_of(page)
    stored[SESSION_KEY] = {**stored[SESSION_KEY], "last": time.time() - 31 * 60}
    stored.save()
    page.get_by_role("button", name="Envoyer").click()

    expect(page).to_have_url(base + "/mon-espace/connexion/")
    expect(page.locator("[data-session-expired]")).to_contain_text(
        "Votre session a expiré après 30 minutes sans activité"
    )
    assert_accessible(page, context="portal sign-in after an expired session")
    with tenant_context(alpha):
        assert not PortalMessage.objects.exists()
    # Nothing typed is on the server: the draft is in the tab only.
    assert HALF_TYPED not in str(dict(session_of(page).items()))

    # Signed in again (the code journey is tested in test_portal_journey.py), same tab.
    open_portal_session(page, live_url, alpha, person)
    page.goto(base + "/mon-espace/messages/")
    expect(page.get_by_label("Votre message")).to_have_value(HALF_TYPED)
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert_accessible(page, context="portal messages with a restored draft")
    page.get_by_label("Votre message").fill(HALF_TYPED + " je travaille.")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".fr-alert--success")).to_be_visible()
    expect(page.get_by_label("Votre message")).to_have_value("")
    with tenant_context(alpha):
        assert PortalMessage.objects.get().body == HALF_TYPED + " je travaille."
    # Sent: the draft is gone.
    page.reload()
    expect(page.get_by_label("Votre message")).to_have_value("")
    expect(page.get_by_text(RESTORED)).to_have_count(0)
    assert drafts_in_tab(page) == []


def test_an_agent_reply_survives_an_expired_session_and_sign_out_forgets(
    page, live_url, committed_db
):
    alpha = committed_db["alpha"]
    person = make_person(alpha)
    cpip = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    base = live_url.format(host="alpha.localhost")
    sign_in(page, base, cpip)
    thread = base + f"/messages/{person.pk}/"
    page.goto(thread)
    page.get_by_label("Votre réponse").fill("Bien reçu. Nous")

    stored = session_of(page)
    stored[session_guard.ACTIVITY_KEY] = int(time.time()) - 31 * 60
    stored.save()
    page.reload()

    expect(page.locator("h1")).to_have_text("Connexion")
    expect(page.locator("[data-session-expired]")).to_contain_text("Votre session a expiré")
    assert_accessible(page, context="agent sign-in after an expired session")
    page.get_by_label("Adresse électronique professionnelle").fill(cpip.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page).to_have_url(thread)  # back where the agent was
    expect(page.get_by_label("Votre réponse")).to_have_value("Bien reçu. Nous")
    expect(page.get_by_text(RESTORED)).to_be_visible()
    assert_accessible(page, context="team thread with a restored draft")

    # Signing out forgets every draft of the tab.
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    assert drafts_in_tab(page) == []


def test_the_warning_comes_before_the_end_and_rester_connecte_keeps_the_session(
    page, live_url, committed_db, settings
):
    settings.PORTAL_IDLE_TIMEOUT_SECONDS = 123  # the warning shows 120 s before: at once
    alpha = committed_db["alpha"]
    person = make_person(alpha)
    base = open_portal_session(page, live_url, alpha, person)
    page.goto(base + "/mon-espace/")
    warning = page.locator("#session-timeout")
    expect(warning).to_be_visible(timeout=10_000)
    expect(warning).to_contain_text("Votre session va expirer dans 2 minutes")
    keep = page.get_by_role("button", name="Rester connecté")
    expect(keep).to_be_focused()
    assert_accessible(page, context="portal idle warning")
    before = session_of(page)[SESSION_KEY]["last"]
    time.sleep(1)
    keep.click()
    expect(warning).to_be_hidden()
    assert session_of(page)[SESSION_KEY]["last"] > before
    page.goto(base + "/mon-espace/messages/")
    expect(page.locator("h1")).to_have_text("Mes messages")
