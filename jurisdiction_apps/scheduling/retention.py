"""Retention of the audit events of slots and slot templates (no personal data): a year after
the event. Appointments and their audit go with their person (casefile/retention.py)."""

from shared.retention.batches import delete_in_batches

from .models import SlotAudit, SlotTemplateAudit


def purge_audit(rule, now, *, dry_run, clock) -> int:
    cutoff = rule.cutoff(now)
    return sum(
        delete_in_batches(
            model.objects.filter(pgh_created_at__lt=cutoff), clock=clock, dry_run=dry_run
        )
        for model in (SlotAudit, SlotTemplateAudit)
    )
