"""Which live jurisdictions the daily slot generation must wake (docs/adr/0019).

Those with a template that ``generate_all_slots`` would extend: active, on an agenda and a place
not archived, not ended, and starting within the generation horizon. Days are compared with a
day's margin on either side of UTC (every jurisdiction's zone is within 14 hours of it): a
template woken a day early or late generates nothing or what it would have the next day.
"""

from datetime import timedelta

from jurisdiction_apps.organisation.models import Agenda, Place
from tenants.wake import register_finder, schema_condition

from .constants import SLOT_GENERATION_DAYS
from .models import SlotTemplate

TEMPLATE, AGENDA, PLACE = (m._meta.db_table for m in (SlotTemplate, Agenda, Place))

GENERATION_WORK = schema_condition(
    tables=(TEMPLATE, AGENDA, PLACE),
    condition=(
        f"EXISTS (SELECT FROM {{schema}}.{TEMPLATE} t"
        f" JOIN {{schema}}.{AGENDA} a ON a.id = t.agenda_id"
        f" JOIN {{schema}}.{PLACE} p ON p.id = a.place_id"
        " WHERE t.is_active AND a.archived_at IS NULL AND p.archived_at IS NULL"
        " AND (t.ends_on IS NULL OR t.ends_on >= %(earliest_today)s)"
        " AND t.starts_on <= %(latest_horizon)s)"
    ),
    params=lambda now: {
        "earliest_today": now.date() - timedelta(days=1),
        "latest_horizon": now.date() + timedelta(days=SLOT_GENERATION_DAYS + 1),
    },
)


def register() -> None:
    register_finder("jurisdiction.generate_slots", GENERATION_WORK)
