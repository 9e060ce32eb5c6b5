"""Accepting a transfer: one transaction across both schemas (issue 19, point 3)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.models import Attempt, Message
from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.models import Attachment, ChangeRequest, PortalMessage
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from shared.person_index.models import Entry
from shared.transfers import services
from shared.transfers.constants import State
from tenants.constants import Role
from tests.factories import MembershipFactory
from tests.retention.helpers import identity, seed_person_with_everything
from tests.transfers.helpers import push


@pytest.fixture
def agents(alpha, beta):
    return {
        "alpha": MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user,
        "beta": MembershipFactory(jurisdiction=beta, role=Role.DPIP).user,
    }


def _future_appointment(jurisdiction, person):
    kind = AppointmentType.objects.get(code="convocation-suivi-spip")
    place = Place.objects.get(name="Antenne de conservation")
    return Appointment.objects.create(
        person=person,
        appointment_type=kind,
        place=place,
        starts_at=timezone.now() + timedelta(days=5),
    )


def test_accepted_push_moves_the_person_with_their_history(alpha, beta, agents):
    who = identity(1)
    when = timezone.now() - timedelta(days=40)
    person = seed_person_with_everything(alpha, who, agent=agents["alpha"], when=when)
    with tenant_context(alpha):
        future = _future_appointment(alpha, person)
        before = {
            "appointments": Appointment.objects.filter(person=person).count() - 1,
            "events": AppointmentEvent.objects.filter(person=person).count(),
            "thread": PortalMessage.objects.filter(person=person).count(),
            "files": Attachment.objects.filter(person=person).count(),
            "requests": ChangeRequest.objects.filter(person=person).count(),
            "final_sms": Message.objects.filter(
                person=person, state__in=["sent", "delivered", "failed", "cancelled"]
            ).count(),
        }
    transfer = push(alpha, beta, person, agents["alpha"])
    result = services.accept(transfer.pk, jurisdiction=beta, acting_user=agents["beta"])

    transfer.refresh_from_db()
    assert transfer.state == State.ACCEPTED and not result.merged
    with tenant_context(beta):
        moved = Person.objects.get(pk=result.target_person_id)
        assert (moved.last_name, moved.phone, moved.appi_number) == (
            who.last_name,
            who.phone,
            who.appi_number,
        )
        assert moved.origin_jurisdiction_id == alpha.pk and moved.origin_person_id == person.pk
        copied = Appointment.objects.filter(person=moved)
        assert copied.count() == before["appointments"]
        assert not copied.filter(state=AppointmentState.BOOKED, starts_at__gte=timezone.now())
        assert {a.place.is_archived for a in copied} == {True}
        assert AppointmentEvent.objects.filter(person=moved).count() == before["events"]
        assert PortalMessage.objects.filter(person=moved).count() == before["thread"]
        assert ChangeRequest.objects.filter(person=moved).count() == before["requests"]
        assert Message.objects.filter(person=moved).count() == before["final_sms"]
        assert Attempt.objects.filter(message__person=moved).exists()
        files = list(Attachment.objects.filter(person=moved))
        assert len(files) == before["files"]
        for copy in files:
            assert copy.file.read().startswith(b"%PDF")
    with tenant_context(alpha):
        source = Person.objects.get(pk=person.pk)
        assert source.is_transferred and source.is_archived
        assert source.transferred_to_id == beta.pk
        future.refresh_from_db()
        assert future.state == AppointmentState.CANCELLED
        for original in Attachment.objects.filter(person=source):
            assert original.file.name not in {copy.file.name for copy in files}
    assert not Entry.objects.filter(jurisdiction=alpha, person_id=person.pk).exists()
    assert Entry.objects.get(jurisdiction=beta, person_id=moved.pk).appi_key == (
        moved.index_appi_key
    )
