"""People, agents and transfer requests for the transfer tests (invented identities)."""

from datetime import date, timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment
from shared.transfers import services
from shared.transfers.constants import Direction
from tenants.constants import Role
from tests.factories import MembershipFactory


def agent(jurisdiction, role=Role.DPIP):
    return MembershipFactory(jurisdiction=jurisdiction, role=role).user


def person(jurisdiction, number=1, **fields) -> Person:
    values = {
        "last_name": f"Transfert{'ABCDEFGHIJ'[number]}",
        "first_names": "Camille",
        "birth_date": date(1979, 3, 1 + number),
        "phone": f"+3361299{number:02d}44",
        "appi_number": f"77{number:02d}3456789",
        "city": "Lille",
        **fields,
    }
    with tenant_context(jurisdiction):
        return Person.objects.create(**values)


def appointment(jurisdiction, who: Person, *, days: int) -> Appointment:
    with tenant_context(jurisdiction):
        return Appointment.objects.create(
            person=who,
            appointment_type=AppointmentType.objects.get(code="convocation-suivi-spip"),
            place=Place.objects.get_or_create(name="Antenne des transferts")[0],
            starts_at=timezone.now() + timedelta(days=days),
        )


PUSH_REASON = "Déménagement à La Réunion"
PULL_REASON = "Nouvelle résidence à La Réunion"


def push(source, target, who, by, *, reason=PUSH_REASON, **extra):
    """``source`` offers its person ``who`` to ``target`` (``target`` answers); ``by`` is an
    agent of the source. ``extra``: more request_transfer arguments (notify_person, now)."""
    return services.request_transfer(
        direction=Direction.PUSH,
        source=source,
        source_person_id=who.pk,
        target=target,
        reason=reason,
        acting_user=by,
        **extra,
    )


def pull(source, target, who, by, *, reason=PULL_REASON, **extra):
    """``target`` asks ``source`` for its person ``who`` (``source`` answers); ``by`` is an
    agent of the target."""
    return services.request_transfer(
        direction=Direction.PULL,
        source=source,
        source_person_id=who.pk,
        target=target,
        reason=reason,
        acting_user=by,
        **extra,
    )
