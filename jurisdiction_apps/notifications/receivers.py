"""The booking → SMS hand-off: what the SMS engine does when an appointment changes."""

from django.dispatch import receiver

from jurisdiction_apps.scheduling.signals import appointment_event_recorded

from .services import messages_for_event


@receiver(appointment_event_recorded, dispatch_uid="notifications_messages_for_event")
def create_messages(sender, event, **kwargs):
    """The event's SMS, written in the same transaction as the change (then handed over to the
    workers once it commits)."""
    messages_for_event(event)
