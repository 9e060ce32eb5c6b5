"""Read-only counts of transfers for other pages (the national console, composed by the URLconf
of the public host: the console and this app are sibling layers that do not import each
other)."""

from django.db.models import Case, Count, F, IntegerField, When

from .constants import Direction
from .models import Transfer


def _pending_by(side_if_pull: str, side_if_push: str, jurisdiction_ids) -> dict[int, int]:
    rows = (
        Transfer.objects.pending()
        .annotate(
            side=Case(
                When(direction=Direction.PULL, then=F(side_if_pull)),
                default=F(side_if_push),
                output_field=IntegerField(),
            )
        )
        .filter(side__in=list(jurisdiction_ids))
        .values("side")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["side"]: row["count"] for row in rows}


def in_flight(jurisdiction_ids) -> dict[int, dict[str, int]]:
    """Pending requests per jurisdiction: ``incoming`` (to answer), ``outgoing`` (asked). Counts
    only; jurisdictions without any are left out."""
    incoming = _pending_by("source_id", "target_id", jurisdiction_ids)
    outgoing = _pending_by("target_id", "source_id", jurisdiction_ids)
    return {
        pk: {"incoming": incoming.get(pk, 0), "outgoing": outgoing.get(pk, 0)}
        for pk in set(incoming) | set(outgoing)
    }
