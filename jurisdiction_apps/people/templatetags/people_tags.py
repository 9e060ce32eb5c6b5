"""Display helpers of the people screens: phone numbers and badges."""

import phonenumbers
from django import template

from jurisdiction_apps.scheduling.constants import AppointmentState

register = template.Library()


@register.filter
def phone(e164: str, region: str = "FR") -> str:
    """+33612345678 → "06 12 34 56 78" in the jurisdiction's country, international elsewhere."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    home_code = phonenumbers.country_code_for_region(region or "FR")
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == home_code
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


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
