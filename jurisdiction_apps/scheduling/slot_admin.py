"""Slot helpers for the slot screens (under the back-office's organisation section).

Local dates are those of the jurisdiction (its time zone); the database stores UTC.
"""

from datetime import date, time, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from jurisdiction_apps.organisation.services import OrganisationError

from .constants import SLOT_GENERATION_DAYS
from .models import Slot, SlotTemplate
from .services import save_slot_template
from .territory import local_datetime

DEFAULT_PERIOD_DAYS = 14
MAX_PERIOD_DAYS = 92


def local_today(zone) -> date:
    return timezone.localdate(timezone=zone)


def period_bounds(first_day: date, last_day: date, zone):
    """The UTC-aware [start, end) of local days ``first_day`` to ``last_day`` included."""
    return (
        local_datetime(first_day, time.min, zone),
        local_datetime(last_day + timedelta(days=1), time.min, zone),
    )


def slots_in_period(agenda, first_day: date, last_day: date, zone):
    """The agenda's slots over local days, with their type (one query whatever their number)."""
    start, end = period_bounds(first_day, last_day, zone)
    return (
        Slot.objects.filter(agenda=agenda, starts_at__gte=start, starts_at__lt=end)
        .select_related("appointment_type")
        .order_by("starts_at", "appointment_type__label")
    )


def generation_horizon(template: SlotTemplate, zone) -> date:
    """The last local day up to which ``generate_slots`` creates the template's slots today."""
    until = local_today(zone) + timedelta(days=SLOT_GENERATION_DAYS)
    return min(until, template.ends_on) if template.ends_on else until


def templates_with_counts(queryset=None):
    """Templates with their agenda, place and type, and their future slots counted."""
    queryset = SlotTemplate.objects.all() if queryset is None else queryset
    return queryset.select_related("agenda__place", "appointment_type").annotate(
        future_slots=Count("slots", filter=Q(slots__starts_at__gt=timezone.now()))
    )


def set_template_active(template: SlotTemplate, active: bool, *, acting_user) -> int:
    """Deactivate (no more generation; existing slots stay) or reactivate (generates at once).

    Returns the number of slots created by a reactivation.
    """
    if template.is_active == active:
        return 0
    if active:
        if template.agenda.is_archived:
            raise OrganisationError(
                "L'agenda de ce modèle est archivé : désarchivez-le avant de réactiver le modèle."
            )
        template.is_active = True
        return save_slot_template(template, acting_user=acting_user)
    with transaction.atomic():
        template.is_active = False
        template.save(update_fields=["is_active"])
    return 0
