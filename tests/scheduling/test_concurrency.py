"""Two agents book the last seat at the same moment, on two database connections."""

import threading
from datetime import timedelta

from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment, Slot
from jurisdiction_apps.scheduling.services import BookingError, BookingRequest, book
from tenants.constants import Role
from tests.factories import MembershipFactory


def test_last_seat_goes_to_exactly_one_of_two_concurrent_agents(committed_db):
    alpha = committed_db["alpha"]
    agents = [MembershipFactory(jurisdiction=alpha, role=Role.BEX).user for _ in range(2)]
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="sortie-audience-spip")
        place = Place.objects.create(name="Antenne")
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Équipe")
        slot = Slot.objects.create(
            agenda=agenda,
            appointment_type=kind,
            capacity=1,
            starts_at=timezone.now() + timedelta(days=2),
        )
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
