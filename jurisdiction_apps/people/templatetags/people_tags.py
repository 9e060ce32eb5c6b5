"""Display helpers of the people screens: phone numbers, SMS badges, agents' names (appointment
states: scheduling_tags)."""

from django import template

from jurisdiction_apps.core.history import user_label
from jurisdiction_apps.core.phones import display_phone

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


@register.filter
def agent_name(user) -> str:
    """An agent's full name (e-mail address when the name is missing)."""
    return user_label(user) if user is not None else "—"
