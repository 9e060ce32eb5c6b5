"""Helpers of the transfer screens' tests: requests between Alpha and Beta."""

from shared.transfers import services
from shared.transfers.constants import Direction
from tests.people.helpers import page_text  # noqa: F401 - for the test modules

PHONE = "+33612345678"


def pull(alpha, beta, person, asker, reason="Nouvelle résidence à La Réunion"):
    """Beta asks Alpha for its person (Alpha answers)."""
    return services.request_transfer(
        direction=Direction.PULL,
        source=alpha,
        source_person_id=person.pk,
        target=beta,
        reason=reason,
        acting_user=asker,
    )


def push(alpha, beta, person, offerer, reason="Déménagement à La Réunion", notify=False):
    """Alpha offers its person to Beta (Beta answers)."""
    return services.request_transfer(
        direction=Direction.PUSH,
        source=alpha,
        source_person_id=person.pk,
        target=beta,
        reason=reason,
        acting_user=offerer,
        notify_person=notify,
    )
