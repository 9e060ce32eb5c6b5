"""Under /api/, what no API view answers is still in the API's error format (issue 20): an
address that no route matches (an identifier of the wrong shape: /personnes/-1.5/) gets a JSON
404, never the HTML page of the site; the site's own pages keep theirs."""

import pytest
from django.test import Client

from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_of_a_jurisdiction_is_a_json_404(alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user)
    response = client.get("/api/v1/nulle-part/-1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Ressource introuvable."}
    }
    page = client.get("/nulle-part/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_an_unknown_api_address_of_the_public_host_is_a_json_404():
    response = Client(HTTP_HOST="localhost").get("/api/v1/nulle-part/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
