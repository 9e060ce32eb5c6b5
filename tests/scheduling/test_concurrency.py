"""Two agents book the last seat at the same moment, on two database connections."""

import threading

from django.db import connection, connections
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment, Slot
from jurisdiction_apps.scheduling.services import BookingError, BookingRequest, book
from tenants.constants import Role
from tests.factories import MembershipFactory

from .helpers import slot_in


def test_last_seat_goes_to_exactly_one_of_two_concurrent_agents(committed_db):
    alpha = committed_db["alpha"]
    agents = [MembershipFactory(jurisdiction=alpha, role=Role.BEX).user for _ in range(2)]
    kind, place, agenda, slot = slot_in(alpha, capacity=1)
    with tenant_context(alpha):
        people = [
            Person.objects.create(
                last_name=f"PERSONNE{i}",
                first_names="Test",
                birth_date="1980-01-01",
                phone=f"+3361234567{i}",
                city="X",
            )
            for i in range(2)
        ]

    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    backend_pids: set[int] = set()

    def agent(index: int) -> None:
        try:
            connection.set_tenant(alpha)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend_pids.add(cursor.fetchone()[0])
            request = BookingRequest(
                person=people[index],
                appointment_type=kind,
                place=place,
                agenda=agenda,
                slot_id=slot.pk,
                case_numbers="2026/1",
            )
            barrier.wait(timeout=10)
            book(request, acting_user=agents[index])
            outcomes.append("booked")
        except BookingError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=agent, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(backend_pids) == 2  # two real database connections
    assert sorted(outcomes) == sorted(
        ["booked", "Ce créneau est complet : un autre agent vient de prendre la dernière place."]
    )
    with tenant_context(alpha):
        assert Slot.objects.get(pk=slot.pk).booked_count == 1
        assert Appointment.objects.filter(slot=slot).count() == 1
