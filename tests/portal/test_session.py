"""The end of a portal session (issue 17, point 4): a warning with "Rester connecté" before the
idle timeout, questions of the warning script that are not activity, and a sign-in page that
says the session expired, only when it did."""

import time

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import Client, RequestFactory
from django_tenants.utils import tenant_context

from jurisdiction_apps.portal import session as portal_session
from jurisdiction_apps.portal.constants import EXPIRED_NOTICE_SECONDS
from jurisdiction_apps.portal.session import SESSION_KEY
from tests.people.helpers import host, page_text

from .helpers import person_client

SIGN_IN = "/mon-espace/connexion/"
STATUS = "/mon-espace/session/"
KEEP_ALIVE = "/mon-espace/session/prolonger/"
EXPIRED = "Votre session a expiré après 30 minutes sans activité"


def last_activity(client) -> float:
    return client.session[SESSION_KEY]["last"]


def test_the_status_says_how_long_is_left_without_counting_as_activity(alpha, person):
    client = person_client(alpha, person, idle_seconds=10 * 60)
    before = last_activity(client)
    status = client.get(STATUS, HTTP_SEC_FETCH_MODE="cors")
    assert status.status_code == 200
    body = status.json()
    assert body["expired"] is False
    assert 20 * 60 - 5 <= body["remaining"] <= 20 * 60
    assert last_activity(client) == before  # asking is not activity
    assert settings.SESSION_COOKIE_NAME not in status.cookies  # the session was not saved


def test_an_ended_session_answers_expired_rather_than_a_redirect(alpha, person):
    idle = person_client(alpha, person, idle_seconds=31 * 60)
    status = idle.get(STATUS)
    assert status.status_code == 200
    assert status.json() == {"expired": True}
    # The next page closes the session and says why.
    response = idle.get("/mon-espace/messages/", follow=True)
    assert response.redirect_chain[-1][0] == SIGN_IN
    assert EXPIRED in page_text(response)
    assert "data-session-expired" in response.content.decode()
    assert SESSION_KEY not in idle.session
    nobody = Client(HTTP_HOST=host(alpha))
    assert nobody.get(STATUS).json() == {"expired": True}


def test_rester_connecte_restarts_the_idle_clock(alpha, person):
    client = person_client(alpha, person, idle_seconds=28 * 60)
    client.handler.enforce_csrf_checks = True
    assert client.post(KEEP_ALIVE).status_code == 403  # the script sends the CSRF token
    page = client.get("/mon-espace/")  # also activity; the token comes with the page
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "last": time.time() - 28 * 60}
    session.save()
    assert page.status_code == 200
    kept = client.post(KEEP_ALIVE, HTTP_X_CSRFTOKEN=token)
    assert kept.json() == {"remaining": 30 * 60, "expired": False}
    assert time.time() - last_activity(client) < 5
    assert client.get(STATUS).json()["remaining"] > 29 * 60


def test_rester_connecte_after_the_end_does_not_reopen_the_session(alpha, person):
    idle = person_client(alpha, person, idle_seconds=31 * 60)
    assert idle.post(KEEP_ALIVE).json() == {"expired": True}
    assert idle.get("/mon-espace/").status_code == 302


def test_the_warning_is_on_the_portal_pages_with_the_portal_routes(alpha, person, settings):
    settings.PORTAL_IDLE_TIMEOUT_SECONDS = 600
    client = person_client(alpha, person)
    html = client.get("/mon-espace/").content.decode()
    assert 'id="session-timeout"' in html and "js/session_timeout.js" in html
    assert f'data-status-url="{STATUS}"' in html
    assert f'data-keep-alive-url="{KEEP_ALIVE}"' in html
    assert 'data-idle-seconds="600"' in html and 'data-warning-seconds="120"' in html
    assert "Rester connecté" in html
    assert "js/drafts.js" in html
    signed_out = Client(HTTP_HOST=host(alpha)).get(SIGN_IN).content.decode()
    assert 'id="session-timeout"' not in signed_out


def test_the_timeout_comes_from_the_settings(alpha, person, settings):
    settings.PORTAL_IDLE_TIMEOUT_SECONDS = 600
    idle = person_client(alpha, person, idle_seconds=11 * 60)
    response = idle.get("/mon-espace/", follow=True)
    assert "Votre session a expiré après 10 minutes sans activité" in page_text(response)
    assert person_client(alpha, person, idle_seconds=9 * 60).get("/mon-espace/").status_code == 200


def test_the_sign_in_page_says_expired_only_when_it_did(alpha, person):
    plain = Client(HTTP_HOST=host(alpha)).get(SIGN_IN)
    assert "expiré" not in page_text(plain)
    assert "data-session-expired" not in plain.content.decode()
    # Opening the sign-in page itself after the end says it too.
    idle = person_client(alpha, person, idle_seconds=31 * 60)
    assert EXPIRED in page_text(idle.get(SIGN_IN))
    assert "expiré" not in page_text(idle.get(SIGN_IN))  # said once
    # Signing out is not an expiry.
    active = person_client(alpha, person)
    signed_out = active.post("/mon-espace/deconnexion/", follow=True)
    assert "Vous êtes déconnecté" in page_text(signed_out)
    assert "expiré" not in page_text(signed_out)


def test_the_session_outlives_the_idle_timeout_so_the_next_page_can_say_why(alpha, person):
    request = RequestFactory().get(SIGN_IN, HTTP_HOST=host(alpha))
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    with tenant_context(alpha):
        assert connection.schema_name == alpha.schema_name
        portal_session.sign_in(request, person)
    request.session.save()
    stored = SessionStore(session_key=request.session.session_key)
    assert stored.get_expiry_age() == 30 * 60 + EXPIRED_NOTICE_SECONDS
