"""Display helpers of the people screens: phone numbers and badges."""

from django import template

from jurisdiction_apps.core.phones import display_phone
from jurisdiction_apps.scheduling.constants import AppointmentState

register = template.Library()


@register.filter
def phone(e164: str, region: str = "FR") -> str:
    return display_phone(e164, region)


SMS_BADGES = {
    "refuses": "fr-badge--error",
    "no_phone": "fr-badge--warning",
    "receives": "fr-badge--success",
}


@register.filter
def sms_badge(person) -> str:
    """DSFR badge modifier for a person's SMS status."""
    if person.refuses_sms:
        return SMS_BADGES["refuses"]
    if person.no_mobile_phone or not person.phone:
        return SMS_BADGES["no_phone"]
    return SMS_BADGES["receives"]


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


@register.filter
def agent_name(user) -> str:
    """An agent's full name (e-mail address when the name is missing)."""
    from jurisdiction_apps.people.history import user_label

    return user_label(user) if user is not None else "—"
