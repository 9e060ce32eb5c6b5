"""Every operation of the jurisdiction API refuses another jurisdiction's credentials (issue 20,
point 5): for each route of saas_platform/urls_api.py (walked, not listed: a new route is in this
test the moment it is mounted) and each of its methods, a session or a token of jurisdiction A
gets 403 on B's host, an anonymous caller 401 or 403, and nothing is answered or changed."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tenants import api_keys
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

from .routes import operations

pytestmark = pytest.mark.django_db

OPERATIONS = operations()
REFUSALS = ("permission_denied", "not_authenticated", "not_a_member")


def call(client, operation, **headers):
    kwargs = {"HTTP_HOST": "beta.localhost", **headers}
    if operation.method in ("post", "put", "patch"):
        return getattr(client, operation.method)(
            operation.path, {}, content_type="application/json", **kwargs
        )
    return getattr(client, operation.method)(operation.path, **kwargs)


@pytest.fixture
def alpha_admin(alpha):
    # The most powerful local role: what it cannot do on B, no role of A can.
    return MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user


def assert_refused(response, operation, statuses=(403,)):
    assert response.status_code in statuses, f"{operation}: {response.status_code}"
    error = response.json()["error"]
    # "not_a_member": the membership middleware refuses before the view (same format).
    assert error["code"] in REFUSALS, f"{operation}: {error}"
    assert "results" not in response.json()


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_a_session_of_another_jurisdiction_gets_403(operation, alpha_admin, beta):
    client = Client()
    sign_in(client, alpha_admin)
    assert_refused(call(client, operation), operation)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_a_token_of_another_jurisdiction_gets_403(operation, alpha_admin, beta):
    token = Token.objects.create(user=alpha_admin)
    response = call(Client(), operation, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert_refused(response, operation)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_an_api_key_of_another_jurisdiction_gets_403(operation, alpha, beta):
    # A key whose service account is A's local admin: the most any key of A can do.
    _, key = api_keys.create_key(
        alpha, name="Logiciel d'Alpha", role=Role.LOCAL_ADMIN, expiry_date=None, created_by=None
    )
    response = call(Client(), operation, HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert_refused(response, operation)


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_an_anonymous_caller_is_refused(operation, beta):
    assert_refused(call(Client(), operation), operation, statuses=(401, 403))


def test_the_walk_finds_the_routes_mounted_today():
    found = {str(operation) for operation in OPERATIONS}
    assert {"GET /api/v1/moi/", "GET /api/v1/battements/"} <= found


def test_the_same_admin_and_key_are_let_in_on_their_own_host(alpha_admin, alpha):
    """The refusals above are about the host, not a broken account or key."""
    client = Client()
    sign_in(client, alpha_admin)
    response = client.get("/api/v1/moi/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 200
    assert response.json()["jurisdiction"]["slug"] == "alpha"
    _, key = api_keys.create_key(
        alpha, name="Logiciel d'Alpha", role=Role.LOCAL_ADMIN, expiry_date=None, created_by=None
    )
    response = Client().get(
        "/api/v1/personnes/", HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Api-Key {key}"
    )
    assert response.status_code == 200


def test_the_walk_reads_router_routes_and_their_methods():
    """Resources mounted with a DRF router (regex routes, viewset actions) are found too."""
    from django.urls import include, path
    from rest_framework import mixins, routers, viewsets
    from rest_framework.decorators import action

    from .routes import PREFIX, _walk

    class Things(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
        queryset = Token.objects.none()

        @action(detail=True, methods=["post"], url_path="archivage")
        def archive(self, request, pk=None):  # never called
            raise AssertionError

    router = routers.SimpleRouter()
    router.register("choses", Things, basename="thing")
    found = {str(op) for op in _walk([path("", include(router.urls))], PREFIX)}
    assert found == {
        "GET /api/v1/choses/",
        "GET /api/v1/choses/1/",
        "POST /api/v1/choses/1/archivage/",
    }
