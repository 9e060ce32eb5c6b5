"""The changes feed on committed data (issue 20): it pages without loss or repeat while events
arrive, says what a mirror needs, runs a fixed number of queries per page, and never skips an
event whose transaction commits after a later one (two connections committing out of order).

Committed data, because the feed serves an event only once its transaction has ended: inside one
test transaction it would rightly serve nothing."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

from .helpers import fill

FEED = "/api/v1/changements/"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def alpha(committed_db):
    return committed_db["alpha"]


@pytest.fixture
def agent(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user


@pytest.fixture
def api(alpha, agent):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, agent)
    return client


@pytest.fixture
def setting(alpha):
    """A place, its agenda, a type without slots and a person of alpha (committed)."""
    with tenant_context(alpha):
        place = Place.objects.create(name="Antenne", city="NANTERRE")
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Équipe 1")
        person = Person.objects.create(
            last_name="MARTIN", first_names="Léa", birth_date="1990-04-02", city="NANTERRE"
        )
    return {"place": place, "appointment_type": kind, "agenda": agenda, "person": person}


def event(appointment, kind, to_state, actor=None) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        person_id=appointment.person_id,
        kind=kind,
        to_state=to_state,
        actor=actor,
    )


@pytest.fixture
def make(alpha, setting):
    """An appointment of alpha and its 'booked' event, committed."""

    def make(starts_at) -> Appointment:
        with tenant_context(alpha):
            appointment = Appointment.objects.create(starts_at=starts_at, **setting)
            event(appointment, EventKind.BOOKED, AppointmentState.BOOKED)
        return appointment

    return make


def page(client, url) -> tuple[list[int], str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is not None  # even the last page: the client polls it
    assert body["previous"] is None  # the feed only goes forward
    return [row["id"] for row in body["results"]], body["next"]


def test_the_feed_pages_without_loss_or_repeat_with_inserts_in_between(api, make, alpha, agent):
    appointments = [make(utc(2026, 6, 1, 8 + n)) for n in range(5)]  # 5 'booked' events
    seen, url = [], f"{FEED}?page_size=2"
    for poll in range(8):
        rows, url = page(api, url)
        seen += rows
        if poll in (1, 4):  # events arrive while the client pages
            with tenant_context(alpha):
                event(appointments[poll], EventKind.CANCELLED, AppointmentState.CANCELLED)
                event(appointments[0], EventKind.EXCUSED, AppointmentState.EXCUSED, actor=agent)
    with tenant_context(alpha):
        every = list(AppointmentEvent.objects.order_by("pk").values_list("pk", flat=True))
    assert len(every) == 9
    assert seen == every  # one transaction each here: in id order, none lost, none twice


def test_a_feed_row_says_what_a_mirror_needs(api, make, setting):
    appointment = make(utc(2026, 6, 1, 8, 0))
    rows = api.get(FEED).json()["results"]
    assert len(rows) == 1
    (row,) = rows
    assert row["appointment"] == appointment.pk and row["person"] == setting["person"].pk
    assert (row["kind"], row["state"]) == ("booked", "booked")
    assert row["starts_at"] == "2026-06-01T10:00:00+02:00"
    assert datetime.fromisoformat(row["at"]).utcoffset() is not None
    assert "txid" not in row  # the position lives in the cursor only


def test_an_event_committed_after_a_later_one_was_served_is_not_skipped(api, make, alpha):
    """Transaction A writes an event (smaller id) and commits late; transaction B writes a later
    event and commits at once. Paging by id alone served B's event, moved the cursor past A's id
    and lost A's event for ever. Here B's waits until A has ended, then both come, A's first."""
    first = make(utc(2026, 6, 1, 8, 0))
    served, url = page(api, FEED)
    assert len(served) == 1
    a_written, a_may_commit = threading.Event(), threading.Event()
    late: list[int] = []
    failures: list[BaseException] = []

    def transaction_a() -> None:
        try:
            with tenant_context(alpha), transaction.atomic():
                late.append(event(first, EventKind.CANCELLED, AppointmentState.CANCELLED).pk)
                a_written.set()
                assert a_may_commit.wait(20), "never released"
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            a_written.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=transaction_a)
    thread.start()
    try:
        assert a_written.wait(20)
        with tenant_context(alpha):  # B: autocommit, committed at once, with a larger id
            early = event(first, EventKind.RESCHEDULED, AppointmentState.BOOKED).pk
        assert early > late[0]
        while_a_is_open, url_after = page(api, url)
        assert while_a_is_open == []  # B's event waits: A, which began writing first, is open
        assert url_after == url  # the client polls the same place
    finally:
        a_may_commit.set()
        thread.join(20)
    assert not failures, failures
    after_a, _ = page(api, url_after)
    assert after_a == [late[0], early]  # both now, in the order they began writing


def _fill(alpha, setting, agent, count):
    fill(
        alpha,
        place=setting["place"],
        agenda=setting["agenda"],
        appointment_type=setting["appointment_type"],
        agent=agent,
        count=count,
        start=utc(2026, 6, 1, 6, 0),
    )


def _queries(client, url) -> tuple[int, int]:
    client.get(url)  # the first request of a session caches what it reads
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


def test_query_counts_do_not_grow_with_the_page(api, alpha, setting, agent):
    url = f"{FEED}?page_size=1000"
    _fill(alpha, setting, agent, 50)
    small, rows = _queries(api, url)
    assert rows == 50
    _fill(alpha, setting, agent, 950)
    large, rows = _queries(api, url)
    assert rows == 1000
    assert small == large
