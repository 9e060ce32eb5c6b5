"""Retention of the people app's own rows: the agents' view log (one year)."""

from shared.retention.batches import delete_in_batches

from .models import PersonView


def purge_views(rule, now, *, dry_run, clock) -> int:
    return delete_in_batches(
        PersonView.objects.filter(viewed_at__lt=rule.cutoff(now)), clock=clock, dry_run=dry_run
    )
