"""Retention of the audit events of places and agendas (no personal data but the agents who
changed them): a year after the event."""

from shared.retention.batches import delete_in_batches

from .models import AgendaAudit, PlaceAudit


def purge_audit(rule, now, *, dry_run, clock) -> int:
    cutoff = rule.cutoff(now)
    return sum(
        delete_in_batches(
            model.objects.filter(pgh_created_at__lt=cutoff), clock=clock, dry_run=dry_run
        )
        for model in (PlaceAudit, AgendaAudit)
    )
