"""Cursor pagination of the API (issue 20): pages follow their ``next`` links, and a malformed or
forged cursor or a page size out of bounds is a French 400 in the API's error format."""

import base64
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.core.models import Heartbeat
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

URL = "/api/v1/battements/"


@pytest.fixture
def client(alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user)
    return client


@pytest.fixture
def beats(alpha):
    now = timezone.now()
    with tenant_context(alpha):
        return [
            Heartbeat.objects.create(
                schema_name=alpha.schema_name,
                ran_at=now - timedelta(minutes=n),
                local_time="10:00",
                time_zone="Europe/Paris",
            ).pk
            for n in range(5)
        ]


def test_pages_follow_their_next_links_without_repeating_or_skipping(client, beats):
    seen, url = [], f"{URL}?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(beats) and len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "cursor",
    [
        "pas-un-curseur",
        base64.b64encode(b"o=-3").decode(),
        base64.b64encode(b"p=abc").decode(),  # a forged position that is not an id
        "%%%",
    ],
)
def test_a_malformed_cursor_is_a_french_400(client, beats, cursor):
    response = client.get(URL, {"cursor": cursor})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_cursor"
    assert error["fields"]["cursor"] == [
        "Curseur invalide : reprenez le lien « next » de la page précédente."
    ]


@pytest.mark.parametrize("size", ["0", "1001", "-5", "beaucoup"])
def test_a_page_size_out_of_bounds_is_a_french_400(client, beats, size):
    response = client.get(URL, {"page_size": size})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_page_size"
    assert error["fields"]["page_size"] == ["Taille de page entre 1 et 1000."]


def test_the_largest_page_size_is_accepted(client, beats):
    assert len(client.get(URL, {"page_size": "1000"}).json()["results"]) == 5
