"""Read side of the SMS engine for the agents' pages (a fixed number of queries each)."""

from .models import Message


def appointment_messages(appointment) -> list[Message]:
    """The messages of one appointment, with their attempts, in order."""
    return list(
        Message.objects.filter(appointment=appointment)
        .prefetch_related("attempts")
        .order_by("created_at", "pk")
    )


def number_failure(person) -> Message | None:
    """The last permanent failure on the person's current number, if any."""
    if not person.phone:
        return None
    return (
        Message.objects.number_failures()
        .filter(person=person, phone=person.phone)
        .order_by("-failed_at")
        .first()
    )
