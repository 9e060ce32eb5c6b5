"""The API's tokens expire and its requests are limited (issue 16)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tenants.constants import Role
from tests.factories import MembershipFactory


@pytest.fixture
def agent(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user


def api(client, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"} if token else {}
    return client.get("/api/v1/moi/", HTTP_HOST="alpha.localhost", **headers)


def test_a_fresh_token_works(agent):
    token = Token.objects.create(user=agent)
    assert api(Client(), token).status_code == 200


def test_an_old_token_is_refused_and_deleted(agent, settings):
    settings.API_TOKEN_TTL_HOURS = 24
    token = Token.objects.create(user=agent)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(hours=25))
    response = api(Client(), token)
    # 401 since issue 20: the first authentication class (API keys) sends a WWW-Authenticate.
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["error"] == {
        "status": 401,
        "code": "token_expired",
        "message": "Jeton expiré : demandez-en un nouveau.",
    }
    assert not Token.objects.filter(pk=token.pk).exists()


def test_too_many_requests_get_429_with_retry_after_in_the_error_format(agent, settings):
    settings.API_THROTTLE_RATES = {"key": "30/minute", "user": "3/minute", "anon": "30/minute"}
    token = Token.objects.create(user=agent)
    client = Client()
    assert [api(client, token).status_code for _ in range(3)] == [200, 200, 200]
    refused = api(client, token)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 60
    error = refused.json()["error"]
    assert error["code"] == "throttled"
    assert error["retry_after"] == wait
    assert error["message"] == f"Trop de requêtes : réessayez dans {wait} s."
    assert "no-store" in refused["Cache-Control"]
