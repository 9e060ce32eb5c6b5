"""Entries of the histories shown to agents (a person's timeline and audit page): what every app
that writes one needs, whichever app assembles them (jurisdiction_apps/casefile/history.py)."""

from dataclasses import dataclass, field
from datetime import datetime

UNKNOWN_ACTOR = "Agent inconnu"


@dataclass
class Change:
    label: str
    before: str | None  # None when the value was set at creation
    after: str


@dataclass
class HistoryEntry:
    at: datetime
    title: str
    actor: str
    category: str  # "person" or "appointment"
    details: str = ""
    changes: list[Change] = field(default_factory=list)
    sort_key: tuple = ()
    lists_fields: bool = False  # a summary names the changed fields (changes of the person)

    @property
    def summary(self) -> str:
        """The title, with the names of the changed fields when it is a change of the person."""
        if self.lists_fields and self.changes:
            return f"{self.title} : " + ", ".join(change.label for change in self.changes)
        return self.title


def user_label(user) -> str:
    if user is None:
        return UNKNOWN_ACTOR
    return user.get_full_name() or user.email or f"Agent n° {user.pk}"
