"""Display helpers of the SMS pages."""

from django import template

from ..constants import MessageState

register = template.Library()

STATE_BADGES = {
    MessageState.CREATED: "fr-badge--info",
    MessageState.QUEUED: "fr-badge--info",
    MessageState.SENDING: "fr-badge--info",
    MessageState.SENT: "fr-badge--new",
    MessageState.DELIVERED: "fr-badge--success",
    MessageState.FAILED: "fr-badge--error",
    MessageState.CANCELLED: "",
    MessageState.NOT_SENDABLE: "fr-badge--warning",
}


@register.filter
def message_badge(message) -> str:
    if message.receipt_is_overdue:
        return "fr-badge--warning"
    return STATE_BADGES.get(message.state, "")


@register.filter
def message_state(message) -> str:
    if message.receipt_is_overdue:
        return "Envoyé, sans accusé de réception"
    return message.get_state_display()
