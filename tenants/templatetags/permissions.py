from django import template

from tenants.permissions import can as can_do

register = template.Library()


@register.filter
def can(membership, action: str) -> bool:
    """{% if membership|can:"manage_places" %}"""
    return can_do(membership, action)
