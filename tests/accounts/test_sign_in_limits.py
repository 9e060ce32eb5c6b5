"""Failed sign-ins are limited per account across every host, per address behind the proxy chain,
with a French message giving the time to wait (issue 16, point 3)."""

import logging
import re

from django.test import Client

from tenants.constants import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

HOSTS = ["alpha.localhost", "beta.localhost", "gamma.localhost", "localhost"]
MISMATCH = "L’adresse e-mail ou le mot de passe sont incorrects."


def attempt(host, email, password, **headers):
    client = Client(**headers)
    response = client.post(
        "/comptes/login/", {"login": email, "password": password}, HTTP_HOST=host
    )
    return client, response


def signed_in(client, host) -> bool:
    return client.get("/tableau-de-bord/", HTTP_HOST=host).status_code == 200


def test_thirty_wrong_passwords_across_four_hosts_lock_the_account_everywhere(
    jurisdictions, sign_in_limits, caplog
):
    agent = MembershipFactory(jurisdiction=jurisdictions["alpha"], role=Role.CPIP).user
    for other in ("beta", "gamma"):
        MembershipFactory(jurisdiction=jurisdictions[other], role=Role.CPIP, user=agent)
    caplog.set_level(logging.INFO)
    bodies = []
    for number in range(30):
        _, response = attempt(HOSTS[number % 4], agent.email, f"mauvais-{number}")
        assert response.status_code == 200
        bodies.append(response.content.decode())
    # Ten failures, counted together whatever the host, then every host refuses.
    assert all(MISMATCH in body for body in bodies[:10])
    assert all("réessayez dans" in body for body in bodies[10:])
    wait = re.search(r"réessayez dans (\d+) minutes?", bodies[-1])
    assert wait and 1 <= int(wait.group(1)) <= 15
    for host in HOSTS:
        client, response = attempt(host, agent.email, PASSWORD)
        assert "réessayez dans" in response.content.decode()
        assert not signed_in(client, host)
    # Logged, and never the address that was tried.
    refusals = [r for r in caplog.records if "too many failures (per account)" in r.getMessage()]
    assert len(refusals) >= 20
    assert all(agent.email not in r.getMessage() for r in caplog.records)
    # Counted where monitoring reads it.
    health = Client().get("/health/", HTTP_HOST="localhost").json()
    assert health["sign_in"]["refusals_last_hour"] >= 24


def test_another_account_is_not_locked_by_it(alpha, sign_in_limits):
    victim = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    colleague = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    for _ in range(12):
        attempt("alpha.localhost", victim.email, "faux")
    client, _ = attempt("alpha.localhost", colleague.email, PASSWORD)
    assert signed_in(client, "alpha.localhost")


def test_a_burst_from_one_address_does_not_lock_out_the_agents_behind_it(
    alpha, sign_in_limits, settings
):
    """Behind the platform's proxy every agent of a court shares one address: a burst of failures
    (someone spraying passwords, or a morning's typos) leaves the others able to sign in."""
    settings.TRUSTED_PROXY_COUNT = 1
    office = {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for number in range(60):
        attempt("alpha.localhost", f"inconnu{number}@exemple.test", "faux", **office)
    for _ in range(5):
        agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
        client, _ = attempt("alpha.localhost", agent.email, PASSWORD, **office)
        assert signed_in(client, "alpha.localhost")


def test_the_per_address_limit_reads_the_client_behind_the_proxy(alpha, sign_in_limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    sign_in_limits["login_failed"] = "20/15m/ip,10/15m/key"
    # The client can write anything on the left of X-Forwarded-For: only the entry the trusted
    # proxy appended (the rightmost) counts.
    for number in range(20):
        attempt(
            "alpha.localhost",
            f"inconnu{number}@exemple.test",
            "faux",
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}, 198.51.100.7",
        )
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    blocked_client, response = attempt(
        "alpha.localhost",
        agent.email,
        PASSWORD,
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert "réessayez dans" in response.content.decode()
    assert not signed_in(blocked_client, "alpha.localhost")
    # Another office behind the same proxy is not affected.
    other_office, _ = attempt(
        "alpha.localhost",
        agent.email,
        PASSWORD,
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert signed_in(other_office, "alpha.localhost")


def test_a_host_without_membership_says_no_more_than_a_wrong_password(alpha, beta, sign_in_limits):
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    _, wrong = attempt("beta.localhost", agent.email, "faux")
    client, right = attempt("beta.localhost", agent.email, PASSWORD)
    assert right.status_code == wrong.status_code == 200
    assert MISMATCH in right.content.decode() and MISMATCH in wrong.content.decode()
    assert not signed_in(client, "beta.localhost")
    assert "_auth_user_id" not in client.session
    # It counts as a failure of the account, like a wrong password.
    for _ in range(8):
        attempt("beta.localhost", agent.email, PASSWORD)
    client, response = attempt("alpha.localhost", agent.email, PASSWORD)
    assert "réessayez dans" in response.content.decode()
    assert not signed_in(client, "alpha.localhost")


def test_a_member_and_the_public_host_still_sign_in(alpha, sign_in_limits):
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    client, _ = attempt("alpha.localhost", agent.email, PASSWORD)
    assert signed_in(client, "alpha.localhost")
    public, response = attempt("localhost", UserFactory().email, PASSWORD)
    assert response.status_code == 302
    assert signed_in(public, "localhost")
