"""Two identical bookings with the same Idempotency-Key sent at the same moment, on two database
connections (issue 20): one appointment, and both callers get the same answer."""

import threading
import time

from django.db import connections
from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling import api_writes
from jurisdiction_apps.scheduling.models import Appointment, Slot
from tenants.constants import Role
from tenants.models import IdempotencyKey
from tests.auth import sign_in
from tests.factories import MembershipFactory

from .helpers import slot_in


def test_two_identical_parallel_requests_book_once_and_answer_alike(committed_db, monkeypatch):
    alpha = committed_db["alpha"]
    user = MembershipFactory(jurisdiction=alpha, role=Role.BEX).user
    kind, place, agenda, slot = slot_in(alpha, capacity=5)
    with tenant_context(alpha):
        person = Person.objects.create(
            last_name="PERSONNE", first_names="Test", birth_date="1980-01-01", city="X"
        )
    body = {
        "person": person.pk,
        "appointment_type": kind.pk,
        "place": place.pk,
        "agenda": agenda.pk,
        "slot": slot.pk,
        "case_numbers": "2026/1",
    }
    clients = []
    for _ in range(2):
        client = Client(HTTP_HOST="alpha.localhost")
        sign_in(client, user)
        clients.append(client)

    # The first booking holds its transaction open a moment: the twin must wait on the key.
    real_book = api_writes.book

    def slow_book(*args, **kwargs):
        appointment = real_book(*args, **kwargs)
        time.sleep(0.5)
        return appointment

    monkeypatch.setattr(api_writes, "book", slow_book)
    barrier = threading.Barrier(2)
    responses = [None, None]

    def call(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = clients[index].post(
                "/api/v1/rendez-vous/",
                body,
                content_type="application/json",
                headers={"Idempotency-Key": "0b9e7c1e-parallele"},
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [r.status_code for r in responses] == [201, 201], [r.content for r in responses]
    assert responses[0].json() == responses[1].json()
    replayed = sorted(str(r.get("Idempotent-Replayed")) for r in responses)
    assert replayed == ["None", "true"]  # one booked, the other replayed its answer
    with tenant_context(alpha):
        assert Appointment.objects.count() == 1
        assert Slot.objects.get(pk=slot.pk).booked_count == 1
    assert IdempotencyKey.objects.filter(key="0b9e7c1e-parallele").count() == 1
