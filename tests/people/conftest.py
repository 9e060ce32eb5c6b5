from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.scheduling.models import Appointment
from jurisdiction_apps.scheduling.services import BookingRequest, book
from tenants.constants import Role
from tenants.models import Jurisdiction
from tests.dates import at, local_today, open_day

from .helpers import agent_client, make_person


@pytest.fixture
def bex_client(alpha):
    return agent_client(alpha, Role.BEX, first_name="Léa", last_name="Bexienne")


@pytest.fixture
def cpip_client(alpha):
    return agent_client(alpha, Role.CPIP, first_name="Hugo", last_name="Conseiller")


@pytest.fixture
def dpip_client(alpha):
    return agent_client(alpha, Role.DPIP, first_name="Nora", last_name="Directrice")


@pytest.fixture
def make_appointments(alpha):
    """Book ``count`` appointments of a free-time type for a person (some moved to the past)."""

    def make(person, count, *, past=0, acting_user=None) -> list[Appointment]:
        with tenant_context(alpha):
            kind = AppointmentType.objects.get(code="convocation-suivi-spip")
            place, _ = Place.objects.get_or_create(name="SPIP d'Alpha — antenne centre")
            place.appointment_types.add(kind)
            appointments = []
            day = local_today(alpha) + timedelta(days=1)
            while len(appointments) < count:
                day = open_day(alpha, after=day)
                appointments.append(
                    book(
                        BookingRequest(
                            person=person,
                            appointment_type=kind,
                            place=place,
                            starts_at=at(alpha, day, 10),
                        ),
                        acting_user=acting_user,
                    )
                )
            for index, appointment in enumerate(appointments[:past]):
                Appointment.objects.filter(pk=appointment.pk).update(
                    starts_at=timezone.now() - timedelta(days=30 + index)
                )
            return appointments

    return make


@pytest.fixture
def at_beta(beta):
    """A person followed at beta whose identity the tests register again at alpha (the
    national index's duplicate warning), beta's service contact set."""
    Jurisdiction.objects.filter(pk=beta.pk).update(service_contact="SPIP de Bêta, 0262 11 22 33")
    return make_person(
        beta,
        last_name="DUPONT",
        first_names="Jean-Pierre Marie",
        birth_date=date(1985, 6, 15),
        phone="+262692998877",
        no_mobile_phone=False,
        city="SAINT-PIERRE",
    )
