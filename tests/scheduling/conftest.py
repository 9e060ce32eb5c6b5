from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Slot
from tenants.constants import Role
from tests.factories import MembershipFactory


@pytest.fixture
def in_alpha(alpha):
    with tenant_context(alpha):
        yield alpha


@pytest.fixture
def office(in_alpha):
    place = Place.objects.create(
        name="SPIP d'Alpha — antenne centre",
        address="1 rue de la Paix",
        postcode="92000",
        city="NANTERRE",
    )
    place.appointment_types.set(AppointmentType.objects.all())
    return place


@pytest.fixture
def agenda(office):
    return Agenda.objects.create(place=office, name="Équipe 1")


@pytest.fixture
def slot_type(in_alpha):
    return AppointmentType.objects.get(code="sortie-audience-spip")


@pytest.fixture
def free_type(in_alpha):
    return AppointmentType.objects.get(code="convocation-suivi-spip")


@pytest.fixture
def make_slot(agenda, slot_type):
    def make(hours_from_now=48, capacity=1, **extra):
        return Slot.objects.create(
            agenda=agenda,
            appointment_type=extra.pop("appointment_type", slot_type),
            starts_at=timezone.now() + timedelta(hours=hours_from_now),
            capacity=capacity,
            **extra,
        )

    return make


@pytest.fixture
def person(in_alpha):
    return Person.objects.create(
        last_name="MARTIN",
        first_names="Léa",
        birth_date="1990-04-02",
        phone="+33612345678",
        city="NANTERRE",
    )


@pytest.fixture
def bex(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.BEX).user


@pytest.fixture
def cpip(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
