"""Words and numbers on every page: phones the French way, time zones in French, roles in a
sentence. ``{% load words %}``."""

from django import template

from tenants import phones, time_zones, words

register = template.Library()


@register.filter
def phone_display(value: str, region: str = "FR") -> str:
    """ "06 10 00 00 01" for +33610000001 (phone_display in tenants/phones.py)."""
    return phones.phone_display(value, region)


@register.filter
def phone_tel(value: str, region: str = "FR") -> str:
    """ "tel:+33610000001", for an href."""
    return phones.phone_tel(value, region)


@register.filter
def time_zone_label(zone_name: str) -> str:
    """ "heure de La Réunion" for Indian/Reunion."""
    return time_zones.time_zone_label(zone_name)


@register.filter
def role_phrase(role: str) -> str:
    """ "agent du BEX" (a role's code, in the middle of a sentence)."""
    return words.role_phrase(role)


@register.filter
def as_role(role: str) -> str:
    """ "en tant qu'agent du BEX"."""
    return words.as_role(role)
