"""Scheduling's side of the organisation it builds on: what refers to places and agendas, and
what stops when an agenda is archived (connected in apps.py)."""

from django.dispatch import receiver

from jurisdiction_apps.organisation import usage
from jurisdiction_apps.organisation.signals import agenda_archived

from .models import Appointment, Slot, SlotTemplate


def declare_references() -> None:
    usage.refers_to("place", Appointment, "place")
    usage.refers_to("agenda", SlotTemplate, "agenda")
    usage.refers_to("agenda", Slot, "agenda")
    usage.refers_to("agenda", Appointment, "agenda")


@receiver(agenda_archived, dispatch_uid="scheduling_deactivate_slot_templates")
def deactivate_slot_templates(sender, agenda, **kwargs) -> int:
    """An archived agenda's templates stop generating slots; existing slots stay as they are."""
    return SlotTemplate.objects.filter(agenda=agenda, is_active=True).update(is_active=False)
