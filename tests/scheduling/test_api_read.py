"""The appointments of the API, read side, and the changes feed (issue 20): filters (a local day in
the jurisdiction's zone, DST days included), isolation between jurisdictions, permissions, French
400s, constant query counts per page. The feed's content: test_api_feed.py."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from tenants import permissions
from tenants.constants import Role
from tenants.permissions import Action
from tests.auth import sign_in
from tests.factories import MembershipFactory

from .helpers import fill

LIST = "/api/v1/rendez-vous/"
FEED = "/api/v1/changements/"


@pytest.fixture
def agent(alpha):
    user = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    user.first_name, user.last_name = "Claire", "Besson"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def api(alpha, agent):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, agent)
    return client


@pytest.fixture
def make(alpha, office, agenda, free_type, person):
    """An appointment of alpha (its 'booked' event too), committed to nothing but the test."""

    def make(starts_at, **fields):
        fields = {
            "person": person,
            "appointment_type": free_type,
            "place": office,
            "agenda": agenda,
            **fields,
        }
        with tenant_context(alpha):
            appointment = Appointment.objects.create(starts_at=starts_at, **fields)
            event(appointment, EventKind.BOOKED, AppointmentState.BOOKED)
        return appointment

    return make


def event(appointment, kind, to_state, actor=None, **details):
    return AppointmentEvent.objects.create(
        appointment=appointment,
        person_id=appointment.person_id,
        kind=kind,
        to_state=to_state,
        actor=actor,
        details=details,
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- filters --------------------------------------------------------------------------------------
def test_a_local_day_is_the_jurisdictions_day_including_the_day_clocks_change(api, make):
    # Paris, 29 March 2026: 23 hours, from 28 March 23:00 UTC to 29 March 22:00 UTC.
    before = make(utc(2026, 3, 28, 22, 30))  # 23:30 on the 28th, local
    first = make(utc(2026, 3, 28, 23, 30))  # 00:30 on the 29th
    last = make(utc(2026, 3, 29, 21, 30))  # 23:30 on the 29th (summer time)
    after = make(utc(2026, 3, 29, 22, 30))  # 00:30 on the 30th
    assert ids(api.get(LIST, {"date": "2026-03-29"})) == [first.pk, last.pk]
    assert ids(api.get(LIST, {"date": "2026-03-28"})) == [before.pk]
    assert ids(api.get(LIST, {"date": "2026-03-30"})) == [after.pk]
    row = api.get(LIST, {"date": "2026-03-29"}).json()["results"][1]
    assert row["starts_at"] == "2026-03-29T23:30:00+02:00"  # local time, with its offset


def test_filters_by_agenda_agent_person_and_state(api, make, office, agent, alpha, free_type):
    soon = timezone.now() + timedelta(days=2)
    with tenant_context(alpha):
        other_agenda = Agenda.objects.create(place=office, name="Équipe 2")
        other_person = Person.objects.create(
            last_name="DURAND", first_names="Paul", birth_date="1985-01-01"
        )
    plain = make(soon)
    on_other_agenda = make(soon + timedelta(hours=1), agenda=other_agenda)
    held = make(soon + timedelta(hours=2), assigned_agent=agent)
    of_other_person = make(soon + timedelta(hours=3), person=other_person)
    cancelled = make(soon + timedelta(hours=4), state=AppointmentState.CANCELLED)

    assert ids(api.get(LIST, {"agenda": other_agenda.pk})) == [on_other_agenda.pk]
    assert ids(api.get(LIST, {"agent": agent.pk})) == [held.pk]
    assert ids(api.get(LIST, {"person": other_person.pk})) == [of_other_person.pk]
    assert ids(api.get(LIST, {"state": "cancelled"})) == [cancelled.pk]
    assert ids(api.get(LIST, {"state": "booked", "person": plain.person_id})) == [
        plain.pk,
        on_other_agenda.pk,
        held.pk,
    ]
    row = api.get(LIST, {"agent": agent.pk}).json()["results"][0]
    assert row["agent"] == {"id": agent.pk, "name": "Claire Besson"}
    assert row["person"]["id"] == plain.person_id and row["appointment_type"]["id"] == free_type.pk


def test_a_period_with_offsets_includes_its_start_and_excludes_its_end(api, make):
    at_start = make(utc(2026, 6, 1, 8, 0))
    inside = make(utc(2026, 6, 1, 12, 0))
    make(utc(2026, 6, 2, 8, 0))  # at the end: excluded
    period = {"start": "2026-06-01T10:00:00+02:00", "end": "2026-06-02T08:00:00Z"}
    assert ids(api.get(LIST, period)) == [at_start.pk, inside.pk]


@pytest.mark.parametrize("name", ["start", "end"])
def test_a_datetime_without_offset_is_a_french_400(api, make, name):
    make(utc(2026, 6, 1, 8, 0))
    response = api.get(LIST, {name: "2026-06-01T10:00:00"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"][name][0].startswith("Décalage horaire manquant")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date": "2026-02-30"}, "date", "Date invalide : format AAAA-MM-JJ attendu."),
        ({"start": "demain"}, "start", "Date et heure invalides"),
        ({"agenda": "abc"}, "agenda", "Identifiant invalide"),
        ({"state": "perdu"}, "state", "Statut inconnu : perdu."),
        ({"date": "9999-12-31"}, "date", "Date hors des limites acceptées."),
        ({"date": "0001-01-01"}, "date", "Date hors des limites acceptées."),
        ({"start": "9999-12-31T23:00:00-12:00"}, "start", "Date hors des limites acceptées."),
        ({"agent": "0"}, "agent", "Assurez-vous"),
        (
            {"start": "2026-06-02T00:00:00+02:00", "end": "2026-06-01T00:00:00+02:00"},
            "end",
            "La fin de la période doit être après son début.",
        ),
    ],
)
def test_bad_filters_are_french_400s(api, params, field, message):
    response = api.get(LIST, params)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][field][0].startswith(message)


def test_an_id_beyond_the_database_integers_finds_nothing(api, make):
    make(utc(2026, 6, 1, 8, 0))
    huge = "9" * 25
    assert ids(api.get(LIST, {"person": huge})) == []
    assert api.get(f"{LIST}{huge}/").status_code == 404


# --- one appointment ------------------------------------------------------------------------------
def test_an_appointment_comes_with_its_events_and_who_acted_by_name_only(api, make, agent, alpha):
    appointment = make(timezone.now() - timedelta(days=1))
    with tenant_context(alpha):
        event(
            appointment, EventKind.EXCUSED, AppointmentState.EXCUSED, actor=agent, reason="Malade"
        )
    body = api.get(f"{LIST}{appointment.pk}/").json()
    assert body["id"] == appointment.pk
    booked, excused = body["events"]
    assert (booked["kind"], booked["state"], booked["by"], booked["reason"]) == (
        "booked",
        "booked",
        None,
        None,
    )
    assert (excused["kind"], excused["state"], excused["by"], excused["reason"]) == (
        "excused",
        "excused",
        "Claire Besson",
        "Malade",
    )
    assert set(excused) == {"id", "kind", "at", "state", "by", "reason"}  # no email, no account


def test_an_appointment_of_another_jurisdiction_is_not_found(api, beta, alpha):
    with tenant_context(beta):
        place = Place.objects.create(name="Antenne de Bêta")
        person = Person.objects.create(
            last_name="HOARAU", first_names="Jean", birth_date="1980-01-01"
        )
        theirs = Appointment.objects.create(
            person=person,
            appointment_type=AppointmentType.objects.first(),
            place=place,
            starts_at=timezone.now() + timedelta(days=1),
        )
    with tenant_context(alpha):
        assert not Appointment.objects.filter(pk=theirs.pk).exists()
    response = api.get(f"{LIST}{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_member_of_another_jurisdiction_gets_403(beta, make):
    appointment = make(timezone.now() + timedelta(days=1))
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=beta, role=Role.CPIP).user)
    for url in (LIST, f"{LIST}{appointment.pk}/", FEED):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_a_member"  # the host refuses it first


def test_a_role_without_the_right_gets_403(api, make, monkeypatch):
    appointment = make(timezone.now() + timedelta(days=1))
    # Every role may view people today: take the right away from CPIPs for this test.
    monkeypatch.setitem(
        permissions.PERMISSIONS,
        Action.VIEW_PEOPLE,
        permissions.PERMISSIONS[Action.VIEW_PEOPLE] - {Role.CPIP},
    )
    for url in (LIST, f"{LIST}{appointment.pk}/", FEED):
        response = api.get(url)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


# --- the changes feed (its content: test_api_feed.py, on committed data) -------------------------
@pytest.mark.parametrize("url", [LIST, FEED])
def test_a_malformed_cursor_and_a_page_size_over_the_maximum_are_french_400s(api, make, url):
    make(utc(2026, 6, 1, 8, 0))
    response = api.get(url, {"cursor": "pas-un-curseur"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
    response = api.get(url, {"page_size": "1001"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["page_size"] == ["Taille de page entre 1 et 1000."]
    assert api.get(url, {"page_size": "1000"}).status_code == 200


# --- query counts ---------------------------------------------------------------------------------
def _queries(client, url, params=None) -> int:
    client.get(url, params or {})  # the first request of a session caches what it reads
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured)


def _fill(alpha, office, agenda, free_type, agent, count):
    return fill(
        alpha,
        place=office,
        agenda=agenda,
        appointment_type=free_type,
        agent=agent,
        count=count,
        start=utc(2026, 6, 1, 6, 0),
    )


def test_query_counts_do_not_grow_with_the_page(api, alpha, office, agenda, free_type, agent):
    _fill(alpha, office, agenda, free_type, agent, 50)
    params = {"date": "2026-06-01", "agenda": agenda.pk, "page_size": 1000}
    small = _queries(api, LIST, params)
    _fill(alpha, office, agenda, free_type, agent, 150)
    assert api.get(LIST, params).json()["results"][199]  # 200 rows in one page
    large = _queries(api, LIST, params)
    assert small == large


def test_one_appointments_queries_do_not_grow_with_its_events(api, make, alpha, agent):
    appointment = make(utc(2026, 6, 1, 8, 0))
    url = f"{LIST}{appointment.pk}/"
    few = _queries(api, url)
    with tenant_context(alpha):
        for _ in range(20):
            event(appointment, EventKind.REVERTED, AppointmentState.BOOKED, actor=agent)
    assert len(api.get(url).json()["events"]) == 21
    assert _queries(api, url) == few
