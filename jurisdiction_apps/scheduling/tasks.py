import pghistory
from celery import shared_task

from .services import generate_all_slots


@shared_task(name="jurisdiction.generate_slots")
def generate_slots() -> int:
    """Extend every slot template of the current jurisdiction (run daily per live jurisdiction)."""
    with pghistory.context(task="generate_slots"):
        return generate_all_slots()
