"""Celery tasks of onboarding; they run in the public schema (sent from the public host)."""

from celery import shared_task

from . import preparation


@shared_task(name="onboarding.create_jurisdiction")
def create_jurisdiction_task(creation_id: int) -> str:
    """Prepare the jurisdiction of a creation request (schema cloned from the template)."""
    return preparation.run_creation(creation_id)
