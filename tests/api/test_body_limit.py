"""A body over the size limit (issue 20, bad input): 413 in the API's error format, in French,
and nothing read or done (no person, no appointment, no idempotency key claimed)."""

import json

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment
from tenants.constants import Role
from tenants.models import IdempotencyKey
from tests.auth import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alpha, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=Role.DPIP).user)
    return client


@pytest.mark.parametrize("url", ["/api/v1/personnes/", "/api/v1/rendez-vous/"])
def test_a_body_over_the_limit_is_a_french_413_and_changes_nothing(api, alpha, url):
    body = json.dumps({"last_name": "X" * 150_000, "person": 1})
    response = api.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "gros-1"}
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "status": 413,
            "code": "payload_too_large",
            "message": "Requête trop volumineuse : au plus 0,1 Mo.",
        }
    }
    with tenant_context(alpha):
        assert not Person.objects.exists() and not Appointment.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_a_body_under_the_limit_is_read(api):
    response = api.post(
        "/api/v1/personnes/", json.dumps({"last_name": "X" * 1000}), content_type="application/json"
    )
    assert response.status_code == 400  # read, and refused for what it says
    assert "first_names" in response.json()["error"]["fields"]
