"""Agents' sessions (issue 16): bound to the host they were opened on, closed after 30 minutes
without activity with a warning before, background polling not counted as activity."""

import logging
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from onboarding.imports.views import job_progress
from shared.accounts import session_guard
from tenants.constants import Role
from tests.factories import PASSWORD, MembershipFactory

EXPIRED = "Votre session a expiré après 30 minutes d'inactivité. Reconnectez-vous."


@pytest.fixture
def clock(monkeypatch):
    """The guard's clock, moved by hand (seconds since an arbitrary start)."""

    class Clock:
        now = 1_000_000

        def advance(self, seconds):
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(session_guard, "_now", lambda: fake.now)
    return fake


@pytest.fixture
def agent(alpha, beta):
    membership = MembershipFactory(jurisdiction=alpha, role=Role.CPIP)
    MembershipFactory(jurisdiction=beta, user=membership.user, role=Role.CPIP)
    return membership.user


def sign_in(client, user, host="alpha.localhost"):
    response = client.post(
        "/comptes/login/", {"login": user.email, "password": PASSWORD}, HTTP_HOST=host
    )
    assert response.status_code == 302, response.content[:500]
    return response


def test_the_session_is_bound_at_sign_in(agent, clock):
    client = Client()
    sign_in(client, agent)
    session = client.session
    assert session[session_guard.HOST_KEY] == "alpha.localhost"
    assert session[session_guard.ACTIVITY_KEY] == clock.now


def test_a_session_cookie_replayed_on_another_host_is_anonymous_and_flushed(agent, clock, caplog):
    client = Client()
    sign_in(client, agent)
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value

    caplog.set_level(logging.INFO)
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    # The agent is a member of beta too: the cookie alone must not open beta's pages.
    replayed = thief.get("/tableau-de-bord/", HTTP_HOST="beta.localhost")
    assert replayed.status_code == 302
    assert urlsplit(replayed["Location"]).path == "/comptes/login/"
    api = thief.get("/api/v1/battements/", HTTP_HOST="beta.localhost")
    assert api.status_code in (401, 403)
    # The session is gone for good, on its own host too.
    assert not Session.objects.filter(session_key=stolen).exists()
    back_home = client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost")
    assert back_home.status_code == 302
    lines = [r.getMessage() for r in caplog.records if r.name == "accounts.sessions"]
    assert lines == ["session refused: opened on another host (schema j_beta)"]
    assert agent.email not in caplog.text and str(agent.pk) not in lines[0]


def test_a_replayed_cookie_on_the_public_host_is_anonymous(agent, clock):
    client = Client()
    sign_in(client, agent)
    response = client.get("/tableau-de-bord/", HTTP_HOST="localhost")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/comptes/login/"


def test_the_jurisdiction_switch_opens_a_new_session_bound_to_the_target(agent, clock):
    origin = Client()
    sign_in(origin, agent)
    switched = origin.post("/changer/beta/", HTTP_HOST="alpha.localhost")
    target = urlsplit(switched["Location"])
    browser_on_beta = Client()
    landed = browser_on_beta.get(target.path, HTTP_HOST="beta.localhost", follow=True)
    assert landed.redirect_chain[-1][0] == "/tableau-de-bord/"
    assert landed.status_code == 200
    assert browser_on_beta.session[session_guard.HOST_KEY] == "beta.localhost"
    # Both sessions live on, each on its host.
    assert origin.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200


def test_a_session_opened_without_a_request_is_bound_on_first_use(agent, clock):
    client = Client()
    client.force_login(agent)
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200
    assert client.session[session_guard.HOST_KEY] == "alpha.localhost"
    assert client.get("/tableau-de-bord/", HTTP_HOST="beta.localhost").status_code == 302


def test_an_idle_session_ends_and_the_sign_in_page_says_why(agent, clock, caplog):
    client = Client()
    sign_in(client, agent)
    clock.advance(29 * 60)
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200
    clock.advance(30 * 60)  # 30 minutes after the last page
    caplog.set_level(logging.INFO)
    expired = client.get("/personnes/?page=2", HTTP_HOST="alpha.localhost")
    assert expired.status_code == 302
    location = urlsplit(expired["Location"])
    assert location.path == "/comptes/login/"
    assert "personnes" in location.query  # back there after signing in again
    login_page = client.get(expired["Location"], HTTP_HOST="alpha.localhost")
    assert EXPIRED in unescape(login_page.content.decode())
    assert "_auth_user_id" not in client.session
    assert any("without activity" in r.getMessage() for r in caplog.records)
    assert agent.email not in caplog.text


def test_the_timeout_comes_from_the_settings(agent, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 600
    client = Client()
    sign_in(client, agent)
    clock.advance(601)
    response = client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost", follow=True)
    assert "après 10 minutes d'inactivité" in unescape(response.content.decode())


def test_keep_alive_restarts_the_idle_clock(agent, clock):
    client = Client(enforce_csrf_checks=True)
    sign_in_page = client.get("/comptes/login/", HTTP_HOST="alpha.localhost")
    token = sign_in_page.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/comptes/login/",
        {"login": agent.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_HOST="alpha.localhost",
    )
    assert response.status_code == 302
    page = client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").content.decode()
    # The warning is on the page, served as a static script (no inline code).
    assert 'id="session-timeout"' in page and "js/session_timeout.js" in page
    assert 'data-idle-seconds="1800"' in page and 'data-warning-seconds="120"' in page
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    clock.advance(28 * 60)
    status = client.get("/comptes/session/", HTTP_HOST="alpha.localhost")
    assert status.json() == {"remaining": 120, "expired": False}
    refused = client.post("/comptes/session/prolonger/", HTTP_HOST="alpha.localhost")
    assert refused.status_code == 403  # CSRF: the script sends the token
    kept = client.post(
        "/comptes/session/prolonger/", HTTP_HOST="alpha.localhost", HTTP_X_CSRFTOKEN=token
    )
    assert kept.json() == {"remaining": 1800, "expired": False}
    clock.advance(28 * 60)  # 56 minutes after the last page, 28 after "Rester connecté"
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200


def test_background_polling_is_not_activity(agent, clock):
    client = Client()
    sign_in(client, agent)

    def poll():  # as a browser's fetch() sends it
        return client.get(
            "/comptes/session/", HTTP_HOST="alpha.localhost", HTTP_SEC_FETCH_MODE="cors"
        )

    for _ in range(5):  # the warning script (or a progress bar) polling for 25 minutes
        clock.advance(5 * 60)
        assert poll().status_code == 200
    clock.advance(5 * 60)
    assert poll().status_code == 401
    response = client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost", follow=True)
    assert EXPIRED in unescape(response.content.decode())


def test_the_import_progress_poll_is_marked_passive():
    assert job_progress.session_passive is True


def test_an_expired_session_refuses_scripts_and_tells_the_next_page(agent, clock):
    client = Client()
    sign_in(client, agent)
    clock.advance(31 * 60)
    fetched = client.get(
        "/comptes/session/", HTTP_HOST="alpha.localhost", HTTP_SEC_FETCH_MODE="cors"
    )
    assert fetched.status_code == 401
    assert fetched.json()["error"]["code"] == "session_expired"
    api = client.get("/api/v1/battements/", HTTP_HOST="alpha.localhost")
    assert api.status_code == 401
    assert api.json()["error"]["message"] == EXPIRED
    page = client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost", follow=True)
    assert EXPIRED in unescape(page.content.decode())


def test_the_absolute_lifetime_stays(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 1800


def test_the_portal_keeps_its_own_idle_timeout(settings):
    assert settings.PORTAL_IDLE_TIMEOUT_SECONDS == 30 * 60


def test_the_sign_in_page_says_expired_only_when_it_did(agent, clock):
    plain = Client().get("/comptes/login/", HTTP_HOST="alpha.localhost")
    assert "expiré" not in unescape(plain.content.decode())
    client = Client()
    sign_in(client, agent)
    signed_out = client.post("/comptes/logout/", HTTP_HOST="alpha.localhost", follow=True)
    assert "expiré" not in unescape(signed_out.content.decode())
    sign_in(client, agent)
    clock.advance(31 * 60)
    # A form sent after the end: the sign-in page says why, marked for the drafts script
    # (static/js/drafts.js keeps what was typed when it sees data-session-expired).
    sent = client.post("/personnes/nouvelle/", {"last_name": "X"}, HTTP_HOST="alpha.localhost")
    assert urlsplit(sent["Location"]).path == "/comptes/login/"
    page = client.get(sent["Location"], HTTP_HOST="alpha.localhost").content.decode()
    assert EXPIRED in unescape(page) and "data-session-expired" in page
    again = client.get("/comptes/login/", HTTP_HOST="alpha.localhost").content.decode()
    assert "expiré" not in unescape(again) and "data-session-expired" not in again


def test_the_status_of_an_ended_session_says_expired_and_is_not_activity(agent, clock):
    client = Client()
    sign_in(client, agent)
    clock.advance(10 * 60)
    assert client.get("/comptes/session/", HTTP_HOST="alpha.localhost").json() == {
        "remaining": 20 * 60,
        "expired": False,
    }
    assert client.session[session_guard.ACTIVITY_KEY] == clock.now - 10 * 60
    clock.advance(21 * 60)
    # As the warning script asks (static/js/session_timeout.js): an answer, not a redirect.
    ended = client.get(
        "/comptes/session/", HTTP_HOST="alpha.localhost", HTTP_ACCEPT="application/json"
    )
    assert ended.status_code == 401
    assert ended.json()["expired"] is True
    assert ended.json()["error"]["message"] == EXPIRED


def test_switching_to_a_host_whose_old_session_is_idle_signs_in_afresh(agent, clock):
    on_beta = Client()
    sign_in(on_beta, agent, host="beta.localhost")
    clock.advance(2 * 3600)  # the old session on beta is long idle
    on_alpha = Client()
    sign_in(on_alpha, agent)
    target = urlsplit(on_alpha.post("/changer/beta/", HTTP_HOST="alpha.localhost")["Location"])
    landed = on_beta.get(target.path, HTTP_HOST="beta.localhost", follow=True)
    assert landed.redirect_chain[-1][0] == "/tableau-de-bord/"
    assert landed.status_code == 200
    assert on_beta.session[session_guard.ACTIVITY_KEY] == clock.now
