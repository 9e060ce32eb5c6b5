"""Each finding of the security review that opened issue 16, replayed as the attacker or the agent
did it (against `make run` at f32173b). Every test here failed on that commit; docs/security.md.
"""

from django.test import Client

from tenants.constants import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory


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
