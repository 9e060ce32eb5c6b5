"""ProConnect sign-in against the local provider: the happy paths on a jurisdiction host and on
the public host, every refusal of the issue's bad-input list, the logout with id_token_hint."""

import html
import time
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from shared.accounts.models import ProConnectIdentity
from shared.accounts.proconnect.views import MESSAGES
from tenants.constants import Role
from tenants.handoff import issue_token
from tests.factories import MembershipFactory, UserFactory

from .conftest import CLIENT_ID, CLIENT_SECRET, PUBLIC_HOST, Flow, provider_get

EMAIL = "agent.proconnect@exemple.test"
FAILED = MESSAGES["refused"]


@pytest.fixture
def agent(alpha, provider):
    membership = MembershipFactory(jurisdiction=alpha, role=Role.CPIP, user__email=EMAIL)
    provider.add_account(EMAIL, given_name="Camille Louise", usual_name="AGENT")
    return membership.user


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def assert_refused(response, message, *clients):
    assert response.status_code in (400, 403)
    assert message in html.unescape(response.content.decode())
    for client in clients:
        assert signed_in_user_id(client) is None


# --- happy paths -------------------------------------------------------------------------------


def test_sign_in_on_a_jurisdiction_host(agent, provider):
    flow = Flow()
    landed = flow.sign_in(EMAIL)
    assert landed.status_code == 302 and landed["Location"] == "/tableau-de-bord/"
    assert signed_in_user_id(flow.agent) == str(agent.pk)
    assert signed_in_user_id(flow.public) is None  # only the host where it was asked
    session = flow.agent.session
    assert session["proconnect"]["acr"] == "eidas1"
    assert session["proconnect"]["id_token"].count(".") == 2
    records = session["account_authentication_methods"]
    assert records[-1]["method"] == "proconnect" and records[-1]["acr"] == "eidas1"
    identity = ProConnectIdentity.objects.get(user=agent)
    assert identity.given_name == "Camille Louise" and identity.usual_name == "AGENT"
    assert identity.siret == "00000000000001" and identity.uid.startswith("uid-")
    assert identity.last_acr == "eidas1" and len(identity.sub) == 64
    dashboard = flow.agent.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost")
    assert dashboard.status_code == 200


def test_authorization_request_asks_pkce_s256_state_nonce_and_acr(agent, provider):
    flow = Flow()
    flow.start()
    query = parse_qs(urlsplit(flow.authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["acr_values"] == ["eidas1"]
    assert query["redirect_uri"] == [f"http://{PUBLIC_HOST}/proconnect/retour/"]
    assert set(query["scope"][0].split()) >= {"openid", "email", "given_name", "usual_name"}


def test_strong_acr_is_recorded(agent, provider):
    flow = Flow()
    flow.sign_in(EMAIL, acr="eidas2")
    assert flow.agent.session["proconnect"]["acr"] == "eidas2"
    assert ProConnectIdentity.objects.get(user=agent).last_acr == "eidas2"


def test_sign_in_on_the_public_host(provider, db):
    staff = UserFactory(national_team=True, email="national.proconnect@exemple.test")
    provider.add_account(staff.email)
    flow = Flow(host=None)
    response = flow.sign_in(staff.email)
    assert response.status_code == 302 and response["Location"] == "/tableau-de-bord/"
    assert signed_in_user_id(flow.public) == str(staff.pk)
    assert flow.public.session["proconnect"]["acr"] == "eidas1"


def test_email_matches_case_insensitively(agent, provider):
    provider.add_account("Agent.ProConnect@Exemple.TEST")
    flow = Flow()
    flow.sign_in("Agent.ProConnect@Exemple.TEST")
    assert signed_in_user_id(flow.agent) == str(agent.pk)


def test_userinfo_as_plain_json_is_accepted(agent, provider):
    flow = Flow()
    flow.sign_in(EMAIL, defaut="userinfo_json")
    assert signed_in_user_id(flow.agent) == str(agent.pk)


def test_next_path_is_kept_server_side(agent, provider):
    flow = Flow()
    flow.start(next_path="/personnes/")
    flow.choose(EMAIL)
    landed = flow.relay(flow.callback())
    assert landed["Location"] == "/personnes/"


# --- state, code, nonce, ID token --------------------------------------------------------------


def test_wrong_state_is_refused(agent, provider):
    flow = Flow()
    flow.start()
    url = flow.choose(EMAIL)
    forged = url.replace("state=", "state=x")
    assert_refused(flow.callback(forged), MESSAGES["state"], flow.public)


def test_state_from_another_browser_is_refused(agent, provider):
    flow = Flow()
    flow.start()
    url = flow.choose(EMAIL)
    other = Client()  # the attacker's callback URL opened in the victim's browser
    response = other.get(url, HTTP_HOST=PUBLIC_HOST)
    assert_refused(response, MESSAGES["state"], other)


def test_replayed_state_is_refused(agent, provider):
    flow = Flow()
    flow.start()
    flow.choose(EMAIL)
    assert flow.callback().status_code == 302
    assert_refused(flow.callback(), MESSAGES["state"], flow.public)


def test_expired_state_is_refused(agent, provider, settings):
    flow = Flow()
    flow.start()
    flow.choose(EMAIL)
    session = flow.public.session
    for key, value in session.items():
        if key.startswith("_state_proconnect_"):
            value["data"]["started_at"] = time.time() - settings.PROCONNECT_STATE_TTL_SECONDS - 1
            session[key] = value
    session.save()
    assert_refused(flow.callback(), MESSAGES["state"], flow.public)


def test_unknown_code_is_refused(agent, provider):
    flow = Flow()
    flow.start()
    url = flow.choose(EMAIL)
    assert_refused(flow.callback(url.replace("code=", "code=x")), FAILED, flow.public)


def test_expired_code_is_refused(agent, provider):
    flow = Flow()
    flow.start()
    flow.choose(EMAIL, defaut="expired_code")
    assert_refused(flow.callback(), FAILED, flow.public)


@pytest.mark.parametrize(
    "fault", ["wrong_nonce", "other_key", "other_audience", "expired_id_token"]
)
def test_bad_id_token_is_refused(agent, provider, fault):
    flow = Flow()
    flow.start()
    flow.choose(EMAIL, defaut=fault)
    assert_refused(flow.callback(), FAILED, flow.public, flow.agent)
    assert not ProConnectIdentity.objects.exists()


# --- the account -------------------------------------------------------------------------------


def test_unverified_email_is_refused(agent, provider):
    flow = Flow()
    flow.start()
    flow.choose(EMAIL, defaut="email_unverified")
    assert_refused(flow.callback(), MESSAGES["email_unverified"], flow.public)


def test_absent_email_verified_is_refused_when_the_setting_says_so(agent, provider, settings):
    settings.PROCONNECT_EMAIL_VERIFIED_WHEN_ABSENT = False
    flow = Flow()
    flow.start()
    flow.choose(EMAIL)
    assert_refused(flow.callback(), MESSAGES["email_unverified"], flow.public)


def test_unknown_email_creates_nothing(alpha, provider):
    provider.add_account("inconnu@exemple.test")
    users = get_user_model().objects.count()
    flow = Flow()
    flow.start()
    flow.choose("inconnu@exemple.test")
    response = flow.callback()
    assert_refused(response, "Aucun compte n'est ouvert pour cette adresse", flow.public)
    assert "demandez à votre administrateur local" in html.unescape(response.content.decode())
    assert get_user_model().objects.count() == users
    assert not ProConnectIdentity.objects.exists()


def test_account_without_membership_on_that_host_says_no_more_than_a_failure(beta, provider):
    MembershipFactory(jurisdiction=beta, user__email=EMAIL)
    provider.add_account(EMAIL)
    flow = Flow(host="alpha.localhost")
    flow.start()
    flow.choose(EMAIL)
    response = flow.callback()
    assert_refused(response, FAILED, flow.public, flow.agent)
    assert "Aucun compte" not in response.content.decode()
    assert not ProConnectIdentity.objects.exists()


def test_inactive_account_is_refused(agent, provider):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    flow = Flow()
    flow.start()
    flow.choose(EMAIL)
    assert_refused(flow.callback(), FAILED, flow.public)


def test_unknown_host_is_refused_before_the_provider(provider, db):
    response = Client().get(
        "/proconnect/connexion/", {"hote": "evil.example"}, HTTP_HOST=PUBLIC_HOST
    )
    assert response.status_code == 403
    assert FAILED in html.unescape(response.content.decode())


def test_public_host_domain_is_not_a_jurisdiction_target(provider, db):
    response = Client().get("/proconnect/connexion/", {"hote": "localhost"}, HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 403


# --- the hand-over -----------------------------------------------------------------------------


def test_proconnect_token_cannot_be_used_at_the_switch_door(agent, provider, alpha):
    token = issue_token(agent.pk, alpha.schema_name, extra={"proconnect": {}}, purpose="proconnect")
    response = Client().get(f"/connexion/relais/{token}/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


def test_switch_token_cannot_be_used_at_the_proconnect_door(agent, alpha):
    token = issue_token(agent.pk, alpha.schema_name)
    client = Client()
    response = client.get(f"/connexion/relais/proconnect/{token}/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")
    assert signed_in_user_id(client) is None


def test_switching_jurisdiction_carries_the_proconnect_sign_in(agent, provider, beta):
    MembershipFactory(jurisdiction=beta, user=agent)
    flow = Flow()
    flow.sign_in(EMAIL, acr="eidas3")
    switched = flow.agent.post("/changer/beta/", HTTP_HOST="alpha.localhost")
    other = Client()
    other.get(urlsplit(switched["Location"]).path, HTTP_HOST="beta.localhost")
    assert signed_in_user_id(other) == str(agent.pk)
    assert other.session["proconnect"]["acr"] == "eidas3"


def test_password_sign_in_does_not_inherit_a_proconnect_sign_in(agent, provider):
    flow = Flow()
    flow.sign_in(EMAIL)
    flow.agent.logout()
    flow.agent.force_login(agent)
    assert "proconnect" not in flow.agent.session


# --- logout ------------------------------------------------------------------------------------


def test_logout_ends_the_session_at_proconnect(agent, provider):
    flow = Flow()
    flow.sign_in(EMAIL)
    id_token = flow.agent.session["proconnect"]["id_token"]
    page = flow.agent.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").content.decode()
    assert 'action="/proconnect/deconnexion/"' in page
    response = flow.agent.post("/proconnect/deconnexion/", HTTP_HOST="alpha.localhost")
    assert signed_in_user_id(flow.agent) is None
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == provider.issuer
    assert end_session.path == "/session/end"
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [
        f"http://{PUBLIC_HOST}/proconnect/deconnexion/fin/"
    ]
    assert len(query["state"][0]) >= 32

    back = provider_get(response["Location"])
    assert back.code == 302 and provider.logouts[-1]["state"] == query["state"][0]
    done = Client().get(
        urlsplit(back.headers["Location"]).path,
        parse_qs(urlsplit(back.headers["Location"]).query),
        HTTP_HOST=PUBLIC_HOST,
    )
    assert done["Location"] == "http://alpha.localhost/"


def test_logout_of_a_password_session_stays_local(agent, provider):
    client = Client()
    client.force_login(agent)
    response = client.post("/proconnect/deconnexion/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user_id(client) is None


# --- the provider itself -----------------------------------------------------------------------


def _token_request(provider, **form):
    body = urlencode(
        {
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            **form,
        }
    ).encode()
    request = urllib.request.Request(provider.url + "token", data=body, method="POST")
    return provider_get(request)


def _code(provider, verifier="v" * 50):
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": "http://localhost/proconnect/retour/",
        "scope": "openid email",
        "state": "s" * 32,
        "nonce": "n" * 32,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
        "compte": EMAIL,
    }
    answer = provider_get(provider.url + "authorize?" + urlencode(params))
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def test_provider_checks_the_pkce_verifier(agent, provider):
    code = _code(provider)
    refused = _token_request(
        provider,
        code=code,
        redirect_uri="http://localhost/proconnect/retour/",
        code_verifier="w" * 50,
    )
    assert refused.code == 400 and b"code_verifier" in refused.read()


def test_provider_refuses_a_replayed_code(agent, provider):
    code = _code(provider)
    form = {
        "code": code,
        "redirect_uri": "http://localhost/proconnect/retour/",
        "code_verifier": "v" * 50,
    }
    assert _token_request(provider, **form).code == 200
    replay = _token_request(provider, **form)
    assert replay.code == 400 and b"invalid_grant" in replay.read()


def test_provider_requires_pkce(provider, agent):
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": "http://localhost/proconnect/retour/",
        "scope": "openid",
        "state": "s" * 32,
        "nonce": "n" * 32,
        "compte": EMAIL,
    }
    assert provider_get(provider.url + "authorize?" + urlencode(params)).code == 400


def test_access_log_masks_the_hand_over_token():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "infra" / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    masked = module._HANDOFF_PATH.sub(r"\1[redacted]", "/connexion/relais/proconnect/s3cr3t/")
    assert masked == "/connexion/relais/proconnect/[redacted]/"


def test_an_account_with_totp_is_asked_for_its_code_after_a_weak_level(agent, provider):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(agent, generate_totp_secret())
    flow = Flow()
    landed = flow.sign_in(EMAIL)
    assert landed.status_code == 302 and landed["Location"].startswith("/comptes/2fa/")
    assert signed_in_user_id(flow.agent) is None
    assert "proconnect" not in flow.agent.session  # only once the sign-in completes


def test_a_strong_level_counts_as_the_second_factor_of_an_account_with_totp(agent, provider):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(agent, generate_totp_secret())
    flow = Flow()
    flow.sign_in(EMAIL, acr="eidas2")
    assert signed_in_user_id(flow.agent) == str(agent.pk)
    assert flow.agent.session["proconnect"]["acr"] == "eidas2"


def test_make_run_lists_the_demo_accounts_in_the_local_provider(tmp_path, db):
    from devtools.devstack import write_oidc_accounts
    from devtools.oidc_provider import load_accounts

    emails = {a.email for a in load_accounts(str(write_oidc_accounts(tmp_path / "a.json")))}
    assert {"admin.nanterre@demo.test", "national@demo.test", "sans.compte@demo.test"} <= emails


def test_a_superuser_reads_the_linked_identity_in_the_admin_and_cannot_edit_it(agent, provider):
    from tests.auth import sign_in

    Flow().sign_in(EMAIL)
    identity = ProConnectIdentity.objects.get(user=agent)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = Client(HTTP_HOST="localhost")
    sign_in(client, admin)
    listing = client.get("/admin/accounts/proconnectidentity/")
    assert listing.status_code == 200
    assert f"/proconnectidentity/{identity.pk}/change/" in listing.content.decode()
    page = client.get(f"/admin/accounts/proconnectidentity/{identity.pk}/change/")
    assert page.status_code == 200
    assert client.get("/admin/accounts/proconnectidentity/add/").status_code == 403
