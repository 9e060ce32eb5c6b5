"""Display helpers of the appointment screens."""

from django import template

from jurisdiction_apps.scheduling.constants import AppointmentState

register = template.Library()


STATE_BADGES = {
    AppointmentState.BOOKED: "fr-badge--info",
    AppointmentState.FULFILLED: "fr-badge--success",
    AppointmentState.NO_SHOW: "fr-badge--error",
    AppointmentState.EXCUSED: "fr-badge--new",
    AppointmentState.CANCELLED: "fr-badge--warning",
}


@register.filter
def state_badge(state: str) -> str:
    """DSFR badge modifier for an appointment state."""
    return STATE_BADGES.get(state, "")
