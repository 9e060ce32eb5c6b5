"""The agent's home: a day pinned on an open day of the jurisdiction, at 14:00 local time, so that
"this morning" (past, to record) and "this afternoon" (ahead) exist whatever the instant of the run
(a Friday night, a holiday, a daylight-saving Sunday)."""

from datetime import timedelta

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment
from tests.auth import sign_in
from tests.dates import at, open_day


@pytest.fixture
def day(alpha, freeze_time):
    """The pinned day (an open day of alpha) and its 14:00, now."""
    today = open_day(alpha, 1)
    freeze_time(at(alpha, today, 14))
    return today


@pytest.fixture
def in_alpha(alpha):
    with tenant_context(alpha):
        yield alpha


@pytest.fixture
def office(in_alpha):
    place = Place.objects.create(name="Antenne d'Alpha")
    place.appointment_types.set(AppointmentType.objects.all())
    return place


@pytest.fixture
def team(office):
    return Agenda.objects.create(place=office, name="Équipe 1")


@pytest.fixture
def other_team(office):
    return Agenda.objects.create(place=office, name="Équipe 2")


@pytest.fixture
def follow_up(in_alpha):
    return AppointmentType.objects.get(code="convocation-suivi-spip")


_serial = iter(range(10_000))


@pytest.fixture
def make_person(in_alpha):
    def make(last_name, first_names="Léa", **extra):
        number = next(_serial)
        extra.setdefault("phone", f"+3361200{number:04d}")
        return Person.objects.create(
            last_name=last_name,
            first_names=first_names,
            birth_date="1990-04-02",
            city="NANTERRE",
            **extra,
        )

    return make


@pytest.fixture
def make_appointment(alpha, office, team, follow_up, day):
    """An appointment at ``hour`` local time on the pinned day (``days`` later or earlier)."""

    def make(person, hour, *, agent=None, agenda=None, days=0, **extra):
        return Appointment.objects.create(
            person=person,
            appointment_type=follow_up,
            place=office,
            agenda=agenda or team,
            starts_at=at(alpha, day + timedelta(days=days), hour),
            assigned_agent=agent,
            **extra,
        )

    return make


@pytest.fixture
def client_for(alpha, day):
    """A signed-in client on alpha's host (signed in after the clock is pinned)."""

    def make(user):
        client = Client(HTTP_HOST="alpha.localhost")
        sign_in(client, user)
        return client

    return make
