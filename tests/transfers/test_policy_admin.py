"""The national delay of automatic acceptances, edited by the national team in the admin."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from shared.transfers.models import Policy
from tests.auth import sign_in
from tests.factories import UserFactory
from tests.transfers.helpers import person
from tests.transfers.test_due import _pull

pytestmark = pytest.mark.django_db

URL = "/admin/transfers/policy/"


def national_client() -> Client:
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    return client


def test_the_national_team_sets_the_delay_once_and_new_requests_follow_it(alpha, beta):
    client = national_client()
    response = client.post(URL + "add/", {"auto_accept_days": "20", "reminder_days_before": "4"})
    assert response.status_code == 302
    assert client.get(URL + "add/").status_code == 403  # one row only
    asked_at = timezone.now()
    transfer = _pull(alpha, beta, person(alpha), asked_at=asked_at)
    assert transfer.due_at == asked_at + timedelta(days=20)


def test_a_delay_out_of_bounds_is_refused_in_french_and_nothing_changes():
    policy = Policy.objects.create()
    client = national_client()
    response = client.post(
        f"{URL}{policy.pk}/change/", {"auto_accept_days": "0", "reminder_days_before": "3"}
    )
    assert response.status_code == 200
    assert "supérieure ou égale à 1" in response.content.decode()
    policy.refresh_from_db()
    assert policy.auto_accept_days == 10
    assert client.post(f"{URL}{policy.pk}/delete/").status_code == 403


def test_only_the_national_team_reaches_the_policy():
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True, is_staff=True))
    assert officer.get(URL).status_code == 403
    assert officer.post(URL + "add/", {"auto_accept_days": "1"}).status_code == 403
    assert not Policy.objects.exists()
