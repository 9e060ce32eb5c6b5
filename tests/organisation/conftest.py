"""Fixtures of the organisation screens: a signed-in local admin of alpha and some places."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.constants import PlaceKind
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

SLOT_TYPE = "premiere-convocation-spip"  # booked on slots, weekdays only
WEEKEND_TYPE = "convocation-stage"  # booked on slots, weekends allowed
FREE_TIME_TYPE = "convocation-suivi-spip"  # booked on a free time


def host_client(host: str, user=None) -> Client:
    client = Client(HTTP_HOST=host)
    if user is not None:
        sign_in(client, user)
    return client


def make_place(name="Antenne de Nanterre", codes=(SLOT_TYPE, WEEKEND_TYPE), **fields) -> Place:
    """A place of the current schema offering the types ``codes``."""
    values = {
        "kind": PlaceKind.OFFICE,
        "address": "3 rue de l'Exemple",
        "postcode": "92000",
        "city": "Nanterre",
        "phone": "01 40 97 10 10",
        **fields,
    }
    place = Place.objects.create(name=name, **values)
    place.appointment_types.set(AppointmentType.objects.filter(code__in=codes))
    return place


def slot_type() -> AppointmentType:
    return AppointmentType.objects.get(code=SLOT_TYPE)


@pytest.fixture
def admin(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN)


@pytest.fixture
def admin_client(admin):
    return host_client("alpha.localhost", admin.user)


@pytest.fixture
def agenda(alpha) -> Agenda:
    with tenant_context(alpha):
        return Agenda.objects.create(place=make_place(), name="Équipe A")


def h1_count(response) -> int:
    return response.content.decode().count("<h1")
