"""Who else follows this person? The look-up of registrations and imports (issue 19, point 2).

Only keys travel: the caller's cleaned identity is hashed here and compared with the index; the
answer names jurisdictions, never the other records' data. Each hit is written in ``Lookup``
(both sides' trails show it).
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from .keys import appi_key, identity_key
from .models import Entry, Lookup


@dataclass(frozen=True)
class Elsewhere:
    """One other jurisdiction following the same person (its index entry, for a transfer)."""

    entry_id: int
    jurisdiction_id: int
    person_id: int
    archived: bool


def keys_of(cleaned: dict) -> tuple[str, str]:
    return (
        appi_key(cleaned.get("appi_number") or ""),
        identity_key(
            cleaned.get("last_name", ""), cleaned.get("first_names", ""), cleaned.get("birth_date")
        ),
    )


def followed_elsewhere(cleaned: dict, *, jurisdiction_id: int) -> list[Elsewhere]:
    """Index entries of other jurisdictions with the same APPI key or the same identity key (a
    namesake born the same day with another APPI number is not the same person)."""
    appi, identity = keys_of(cleaned)
    entries = (
        Entry.objects.matching(appi_key=appi, identity_key=identity)
        .exclude(jurisdiction_id=jurisdiction_id)
        .values_list("pk", "jurisdiction_id", "person_id", "archived", "appi_key")
    )
    return [
        Elsewhere(pk, other, person, archived)
        for pk, other, person, archived, other_appi in entries
        if not (appi and other_appi and other_appi != appi)
    ]


def record_lookups(
    hits: list[Elsewhere], *, jurisdiction_id: int, agent, person_id=None, context: str
) -> None:
    """Write the look-up in both sides' trails (public schema)."""
    Lookup.objects.bulk_create(
        Lookup(
            asking_id=jurisdiction_id,
            asking_person_id=person_id,
            agent=agent if getattr(agent, "pk", None) else None,
            found_id=hit.jurisdiction_id,
            found_person_id=hit.person_id,
            context=context,
        )
        for hit in hits
    )


def current_jurisdiction_id() -> int | None:
    return getattr(connection.tenant, "pk", None)


def forget_lookups(person_ids: list[int], *, schema_name: str | None = None) -> int:
    """Erasure: the look-ups naming these people of a jurisdiction (the current schema's), as
    the person being registered or as the one found, go with them, in the caller's transaction.
    The number of look-ups deleted."""
    if not person_ids:
        return 0
    schema_name = schema_name or connection.schema_name
    deleted, _ = Lookup.objects.filter(
        Q(asking__schema_name=schema_name, asking_person_id__in=person_ids)
        | Q(found__schema_name=schema_name, found_person_id__in=person_ids)
    ).delete()
    return deleted
