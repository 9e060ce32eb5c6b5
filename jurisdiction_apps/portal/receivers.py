"""What the portal does when an appointment changes."""

from django.dispatch import receiver

from jurisdiction_apps.scheduling.signals import appointment_event_recorded

from .services.requests import close_requests_for_event


@receiver(appointment_event_recorded, dispatch_uid="portal_close_requests_for_event")
def close_requests(sender, event, **kwargs):
    """A cancelled or rescheduled appointment closes the person's open requests on it."""
    close_requests_for_event(event)
