"""Reactions to allauth's signals."""

from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from .second_factor import record_second_factor


@receiver(authenticator_added, dispatch_uid="accounts_enrolment_counts_as_second_factor")
def enrolment_counts_as_second_factor(sender, request, user, authenticator, **kwargs):
    """Enrolling proves the factor (a valid code, a key's signature): the session has passed it."""
    if request is not None and authenticator.type != authenticator.Type.RECOVERY_CODES:
        record_second_factor(request, user, id=authenticator.pk, type=authenticator.type)
