"""What the person's pages show of transfers (issue 19, point 5).

The person's page and audit trail belong to casefile, a layer below this one: casefile may not
import ``Transfer``. A template-tag library is looked up by name when the template renders, so
the pages ask the transfers layer for its rows without any Python import going down to up; the
views stay unaware of transfers, and the dependency sits where it is used, in the template
(``{% load transfer_tags %}``). Both tags read the public table by this schema's person id: no
personal data crosses schemas.
"""

from django import template
from django.db import connection
from django.db.models import Q

from ..constants import Direction, State
from ..models import Transfer

register = template.Library()


def _here():
    tenant = connection.tenant
    return None if getattr(tenant, "is_public", True) else tenant


@register.simple_tag
def person_transfers(person) -> dict:
    """The person page's part: the open request about this record (as the banner words it) and
    every request about it, in one query."""
    rows = transfers_of(person)
    pending = next((row for row in rows if row.state == State.PENDING), None)
    if pending is None:
        return {"rows": rows, "pending": None}
    return {
        "rows": rows,
        "pending": {
            "transfer": pending,
            "other": pending.target,
            # A pull: the other jurisdiction asked, we answer; a push: we offered, they answer.
            "we_answer": pending.direction == Direction.PULL,
        },
    }


@register.simple_tag
def transfers_of(person) -> list[Transfer]:
    """Every request about this record, on either side: who asked, who decided, and when."""
    here = _here()
    if here is None or person is None:
        return []
    return list(
        Transfer.objects.filter(
            Q(source=here, source_person_id=person.pk)
            | Q(target=here, target_person_id=person.pk, state=State.ACCEPTED)
        )
        .select_related("source", "target", "asked_by", "answered_by")
        .order_by("asked_at", "pk")
    )
