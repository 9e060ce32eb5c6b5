"""Demo of the portal (invented data): a short thread, an open change request, and the referent's
direct e-mail shown to the people followed. Idempotent."""

from contextlib import suppress

from django.utils import timezone

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.constants import ChangeRequestKind
from jurisdiction_apps.portal.models import ChangeRequest, PortalMessage
from jurisdiction_apps.portal.services.messages import post_person_message, post_team_message
from jurisdiction_apps.portal.services.requests import RequestError, create_change_request
from jurisdiction_apps.scheduling.constants import AppointmentState
from tenants.models import Membership

# The first demo person of each jurisdiction (demo/backoffice.py: _mobile).
DEMO_PHONE = {"FR": "+33610000000", "RE": "+262692100000"}


def seed_portal(jurisdiction) -> None:
    """The thread is written once; the open request is kept at every run (the demo ages between
    two ``make run``: a request whose appointment has passed no longer shows what one looks like).
    """
    person = (
        Person.objects.filter(phone=DEMO_PHONE.get(jurisdiction.phone_region, ""))
        .select_related("referent")
        .first()
    )
    if person is None:
        return
    agent = person.referent
    if agent is not None and not PortalMessage.objects.filter(person=person).exists():
        Membership.objects.for_host(agent, jurisdiction).update(portal_email=agent.email)
        post_person_message(
            person,
            body="Bonjour, je dois apporter mon contrat de travail au prochain rendez-vous ?",
        )
        post_team_message(
            person,
            body="Bonjour, oui : apportez le contrat et votre dernière fiche de paie. À bientôt.",
            acting_user=agent,
        )
    upcoming = person.appointments.filter(
        state=AppointmentState.BOOKED, starts_at__gt=timezone.now()
    ).order_by("starts_at")
    if ChangeRequest.objects.open().filter(appointment__in=upcoming).exists():
        return
    for appointment in upcoming:
        with suppress(RequestError):  # e.g. already asked and answered: try the next one
            create_change_request(
                person,
                appointment.pk,
                kind=ChangeRequestKind.OTHER_TIME,
                reason="Je commence une formation ce jour-là, le matin.",
            )
            return
