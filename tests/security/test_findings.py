"""Each finding of the security review that opened issue 16, replayed as the attacker or the agent
did it (against `make run` at f32173b); each finding is quoted above its test. docs/security.md
says what protects the agents' accounts now.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sentry_sdk
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from onboarding.creation.forms import BrandingForm
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.onboarding.test_logos import ATTACKS
from tests.saas_platform.test_fail_closed import run
from tests.saas_platform.test_sentry import _assert_nothing_personal as assert_nothing_personal
from tests.saas_platform.test_sentry import captured  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]


def post_login(client, host, email, password, path="/comptes/login/"):
    return client.post(path, {"login": email, "password": password}, HTTP_HOST=host)


# --- "The Django admin login is not behind allauth: 20 wrong passwords for a national-team account
# were all checked, then the right one signed in, with no MFA step."
def test_finding_admin_login_behind_allauth_limits_and_mfa(db, sign_in_limits):
    national = UserFactory(national_team=True)
    client = Client()
    for _ in range(20):
        client.post(
            "/admin/login/", {"username": national.email, "password": "faux"}, HTTP_HOST="localhost"
        )
        post_login(client, "localhost", national.email, "faux")
    response = post_login(client, "localhost", national.email, PASSWORD)
    assert "réessayez dans" in response.content.decode()
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 302
    # With the right password before any failure, the admin still needs the second factor.
    fresh = UserFactory(national_team=True)
    other = Client()
    post_login(other, "localhost", fresh.email, PASSWORD)
    admin = other.get("/admin/", HTTP_HOST="localhost")
    assert admin.status_code == 302 and admin.url == "/comptes/2fa/"


# --- "MFA is optional for every role, local admins and the national team included."
def test_finding_mfa_required_for_privileged_roles(alpha):
    for user in (
        MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user,
        MembershipFactory(jurisdiction=alpha, role=Role.DPIP).user,
    ):
        client = Client()
        post_login(client, "alpha.localhost", user.email, PASSWORD)
        response = client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost")
        assert response.status_code == 302 and response.url == "/comptes/2fa/"
    for traits in ({"national_team": True}, {"deployment_officer": True}):
        user = UserFactory(**traits)
        client = Client()
        post_login(client, "localhost", user.email, PASSWORD)
        response = client.get("/tableau-de-bord/", HTTP_HOST="localhost")
        assert response.status_code == 302 and response.url == "/comptes/2fa/"


# --- "Failed-login limits are per host: an account locked on nanterre is still tried on lille, and
# the right password on la-reunion signs in although the account has no membership there."
def test_finding_limits_per_account_across_hosts_and_no_oracle(jurisdictions, sign_in_limits):
    agent = MembershipFactory(jurisdiction=jurisdictions["alpha"], role=Role.CPIP).user
    MembershipFactory(jurisdiction=jurisdictions["beta"], role=Role.CPIP, user=agent)
    for _ in range(10):
        post_login(Client(), "alpha.localhost", agent.email, "faux")
    locked = post_login(Client(), "beta.localhost", agent.email, PASSWORD)
    assert "réessayez dans" in locked.content.decode()
    # gamma: no membership; the right password signs nothing in and says what a wrong one says.
    stranger = MembershipFactory(jurisdiction=jurisdictions["alpha"], role=Role.CPIP).user
    client = Client()
    right = post_login(client, "gamma.localhost", stranger.email, PASSWORD)
    wrong = post_login(Client(), "gamma.localhost", stranger.email, "faux")
    assert right.status_code == wrong.status_code == 200
    assert client.get("/tableau-de-bord/", HTTP_HOST="gamma.localhost").status_code == 302


# --- "Per-address limits will lock out a whole jurisdiction in production: ten failures from one
# address block every agent's sign-in on that host, and behind the reverse proxy every agent
# shares one address."
def test_finding_one_address_does_not_lock_out_a_jurisdiction(alpha, sign_in_limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(15):
        post_login(
            Client(**proxy, HTTP_X_FORWARDED_FOR="192.0.2.66"),
            "alpha.localhost",
            f"personne{number}@exemple.test",
            "faux",
        )
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    client = Client(**proxy, HTTP_X_FORWARDED_FOR="192.0.2.66")
    post_login(client, "alpha.localhost", agent.email, PASSWORD)
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200


# --- "No Content-Security-Policy nor Permissions-Policy; pages with personal data and the API send
# no Cache-Control: no-store; day_sheet.html has an inline onclick."
def test_finding_headers_on_personal_pages_and_the_api(alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user)
    for path in ("/tableau-de-bord/", "/personnes/", "/api/v1/moi/"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert "camera=()" in response["Permissions-Policy"]
        assert "no-store" in response["Cache-Control"]
    sheet = (ROOT / "templates" / "scheduling" / "day_sheet.html").read_text()
    assert not re.search(r"\son[a-z]+\s*=", sheet)


# --- "Sentry sends local variables by default: <Person: MARTIN Sophie> and q=Martin+Sophie pass
# the scrubber."
@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.saas_platform.test_sentry")
def test_finding_sentry_sends_no_name(captured, alpha):  # noqa: F811
    response = Client(raise_request_exception=False).get(
        "/recherche/?q=Martin+Sophie", HTTP_HOST="alpha.localhost"
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    assert_nothing_personal(captured)


# --- "Settings fail open: without DJANGO_SETTINGS_MODULE the app starts with DEBUG on, a fallback
# secret key and every host allowed; an empty SMS_BREVO_WEBHOOK_TOKEN accepts 'Bearer '."
def test_finding_settings_fail_closed():
    started = run(
        ["-c", "import saas_platform.wsgi"], DJANGO_SETTINGS_MODULE=None, DJANGO_SECRET_KEY=None
    )
    assert started.returncode != 0 and "DJANGO_SECRET_KEY" in started.stderr
    empty_token = run(["manage.py", "check", "--deploy"], SMS_BREVO_WEBHOOK_TOKEN="")
    assert empty_token.returncode != 0 and "SMS_BREVO_WEBHOOK_TOKEN" in empty_token.stderr


def test_finding_an_empty_webhook_token_accepts_nobody(db, settings):
    settings.SMS_BREVO_WEBHOOK_TOKEN = ""
    response = Client().post(
        "/sms/accuses/brevo/",
        data="{}",
        content_type="application/json",
        HTTP_HOST="localhost",
        HTTP_AUTHORIZATION="Bearer ",
    )
    assert response.status_code == 403


# --- "A POST to /sms/accuses/link/ with a non-ASCII signature header answers 500."
def test_finding_non_ascii_webhook_signature_is_403(db):
    response = Client().post(
        "/sms/accuses/link/",
        data=b"{}",
        content_type="application/json",
        HTTP_HOST="localhost",
        HTTP_X_GATEWAY_SIGNATURE="sha256=é" + "0" * 63,
    )
    assert response.status_code == 403


# --- "The logout button of the 'not a member' page answers 403."
def test_finding_logout_from_the_not_a_member_page(alpha, beta):
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    client = Client(HTTP_HOST="beta.localhost")
    sign_in(client, agent)
    page = client.get("/tableau-de-bord/")
    assert page.status_code == 403
    action = re.search(r'<form[^>]*action="([^"]*logout[^"]*)"', page.content.decode()).group(1)
    assert client.post(action).status_code == 302
    assert "_auth_user_id" not in client.session


# --- "The SVG logo check is a regex blocklist (<s:script> and &#106;avascript: pass)."
@pytest.mark.parametrize("name", ["namespaced-script", "entity-encoded-javascript"])
def test_finding_svg_logo_spellings_are_refused(name):
    form = BrandingForm(
        data={"primary_colour": "#000091"},
        files={"logo": SimpleUploadedFile("logo.svg", ATTACKS[name], "image/svg+xml")},
    )
    assert not form.is_valid()


# --- "Agents' sessions last 8 h with no idle timeout, and are not bound to the host they were
# opened on; DRF tokens never expire and the API has no throttling."
def test_finding_sessions_idle_and_bound_to_their_host(alpha, beta, settings):
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    MembershipFactory(jurisdiction=beta, role=Role.CPIP, user=agent)
    client = Client()
    post_login(client, "alpha.localhost", agent.email, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert thief.get("/tableau-de-bord/", HTTP_HOST="beta.localhost").status_code == 302
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 1800


def test_finding_api_tokens_expire_and_the_api_is_throttled(alpha, settings):
    settings.API_THROTTLE_RATES = {"user": "5/minute", "anon": "30/minute"}
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    old = Token.objects.create(user=agent)
    Token.objects.filter(pk=old.pk).update(
        created=timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS + 1)
    )
    refused = Client().get(
        "/api/v1/moi/", HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Token {old.key}"
    )
    assert refused.json()["error"]["code"] == "token_expired"
    fresh = Token.objects.create(user=agent)
    statuses = [
        Client()
        .get("/api/v1/moi/", HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Token {fresh.key}")
        .status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
