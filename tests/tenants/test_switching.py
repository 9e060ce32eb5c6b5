"""An agent of several jurisdictions switches between them without signing in again."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory


@pytest.fixture
def two_jurisdiction_agent(alpha, beta):
    membership = MembershipFactory(jurisdiction=alpha, role=Role.CPIP)
    MembershipFactory(jurisdiction=beta, user=membership.user, role=Role.PSYCHOLOGIST)
    return membership.user


def switch(client, slug, from_host="alpha.localhost"):
    response = client.post(f"/changer/{slug}/", HTTP_HOST=from_host)
    assert response.status_code == 302
    return urlsplit(response["Location"])


def test_dashboard_offers_the_other_jurisdiction(two_jurisdiction_agent, beta):
    client = Client()
    sign_in(client, two_jurisdiction_agent)
    body = client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").content.decode()
    assert f"Passer à {beta.name}" in body
    assert "Psychologue" in body and "Conseiller pénitentiaire" in body


def test_switch_signs_in_on_the_other_host(two_jurisdiction_agent, beta):
    origin = Client()
    sign_in(origin, two_jurisdiction_agent)
    target = switch(origin, "beta")
    assert target.hostname == "beta.localhost"
    assert target.path.startswith("/connexion/relais/")

    fresh = Client()  # the other host has its own cookies
    landed = fresh.get(target.path, HTTP_HOST="beta.localhost", follow=True)
    assert landed.redirect_chain[-1][0] == "/tableau-de-bord/"
    body = landed.content.decode()
    assert beta.name in body and "Psychologue" in body


def test_handoff_token_works_once(two_jurisdiction_agent):
    origin = Client()
    sign_in(origin, two_jurisdiction_agent)
    target = switch(origin, "beta")
    Client().get(target.path, HTTP_HOST="beta.localhost")
    replay = Client().get(target.path, HTTP_HOST="beta.localhost", follow=True)
    assert replay.redirect_chain[-1][0].startswith("/comptes/login/")
    assert "a expiré" in replay.content.decode()


def test_handoff_token_is_bound_to_its_jurisdiction(two_jurisdiction_agent, gamma):
    origin = Client()
    sign_in(origin, two_jurisdiction_agent)
    target = switch(origin, "beta")
    wrong_host = Client().get(target.path, HTTP_HOST="gamma.localhost")
    assert wrong_host.status_code == 302
    assert wrong_host["Location"].startswith("/comptes/login/")
    assert "_auth_user_id" not in Client().session


def test_cannot_switch_to_a_jurisdiction_without_membership(alpha, gamma):
    membership = MembershipFactory(jurisdiction=alpha)
    client = Client()
    sign_in(client, membership.user)
    assert client.post("/changer/gamma/", HTTP_HOST="alpha.localhost").status_code == 404


def test_switch_needs_post(two_jurisdiction_agent):
    client = Client()
    sign_in(client, two_jurisdiction_agent)
    assert client.get("/changer/beta/", HTTP_HOST="alpha.localhost").status_code == 405
