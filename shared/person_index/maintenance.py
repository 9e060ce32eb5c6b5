"""Rebuild, check and re-key the national person index from the jurisdictions' schemas.

The trigger on ``people_person`` keeps the index in step in every writing transaction; these are
the tools for when it cannot have (an index restored from an older backup, a trigger dropped by
hand, a jurisdiction's schema restored alone) and for a rotated ``PERSON_INDEX_SECRET``:

- ``rebuild(jurisdiction)``: one transaction per jurisdiction, set-based: its entries are deleted
  and inserted again from ``<schema>.people_person`` (people not transferred away), keys as
  stored on the people's rows;
- ``rehash(jurisdiction)``: recomputes the people's keys with the current secret, in batches
  (each its own transaction; the trigger updates the entries of the rows that change);
- ``check(jurisdiction)``: counts of drift (entries missing, extra, differing; people whose keys
  were computed with another secret). Counts only: no key, no person id, no name leaves here.

A jurisdiction whose schema does not exist yet (being created) is skipped. Nothing here imports
the people app (layers): its table and columns are named in SQL.
"""

from dataclasses import dataclass

import pgtrigger
from django.db import connection, transaction
from django_tenants.utils import tenant_context
from psycopg import sql

from tenants.models import Jurisdiction
from tenants.wake import existing_schemas

from .keys import appi_key, identity_key
from .models import TABLE

PEOPLE_TABLE = "people_person"
REHASH_BATCH = 2000
# The people's audit trail records who changed what: a re-keying changes no one's data.
PERSON_AUDIT_UPDATE_TRIGGER = "people.Person:update_update"


@dataclass
class Drift:
    """What differs between a jurisdiction's people and its index entries (counts only)."""

    missing: int = 0  # people (not transferred away) without an entry
    extra: int = 0  # entries without such a person
    differing: int = 0  # entries whose keys or archived flag differ from the person's row
    stale_keys: int = 0  # people whose keys were not computed with the current secret

    @property
    def total(self) -> int:
        return self.missing + self.extra + self.differing + self.stale_keys


def jurisdictions(slug: str | None = None) -> tuple[list[Jurisdiction], list[Jurisdiction]]:
    """(those whose schema holds the people table, those skipped), by slug; ``slug`` narrows."""
    candidates = Jurisdiction.objects.tenants().order_by("slug")
    if slug is not None:
        candidates = candidates.filter(slug=slug)
    candidates = list(candidates)
    present = {
        pk
        for pk, _ in existing_schemas([(j.pk, j.schema_name) for j in candidates], (PEOPLE_TABLE,))
    }
    return (
        [j for j in candidates if j.pk in present],
        [j for j in candidates if j.pk not in present],
    )


def _people(jurisdiction) -> sql.Composable:
    return sql.Identifier(jurisdiction.schema_name, PEOPLE_TABLE)


REBUILD_SQL = """
INSERT INTO {index} (jurisdiction_id, person_id, appi_key, identity_key, archived, updated_at)
SELECT %(jurisdiction)s, p.id, p.index_appi_key, p.index_identity_key,
       p.archived_at IS NOT NULL, now()
FROM {people} p
WHERE p.transferred_at IS NULL
ON CONFLICT (jurisdiction_id, person_id) DO UPDATE SET
    appi_key = EXCLUDED.appi_key,
    identity_key = EXCLUDED.identity_key,
    archived = EXCLUDED.archived,
    updated_at = EXCLUDED.updated_at
"""


def rebuild(jurisdiction) -> int:
    """Replace the jurisdiction's entries, in one transaction; the number of entries written.

    The people table is locked against writes for the transaction (SHARE: readers go on), so
    that no person is created, edited or erased between the delete and the insert."""
    params = {"jurisdiction": jurisdiction.pk}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(_people(jurisdiction)))
        cursor.execute(
            sql.SQL("DELETE FROM {} WHERE jurisdiction_id = %(jurisdiction)s").format(
                sql.Identifier("public", TABLE)
            ),
            params,
        )
        cursor.execute(
            sql.SQL(REBUILD_SQL).format(
                index=sql.Identifier("public", TABLE), people=_people(jurisdiction)
            ),
            params,
        )
        return cursor.rowcount


CHECK_SQL = """
SELECT count(*) FILTER (WHERE e.person_id IS NULL),
       count(*) FILTER (WHERE p.id IS NULL),
       count(*) FILTER (WHERE p.id IS NOT NULL AND e.person_id IS NOT NULL
                        AND (p.index_appi_key <> e.appi_key
                             OR p.index_identity_key <> e.identity_key
                             OR (p.archived_at IS NOT NULL) <> e.archived))
FROM (SELECT id, index_appi_key, index_identity_key, archived_at FROM {people}
      WHERE transferred_at IS NULL) p
FULL JOIN (SELECT person_id, appi_key, identity_key, archived FROM {index}
           WHERE jurisdiction_id = %(jurisdiction)s) e ON e.person_id = p.id
"""


def check(jurisdiction) -> Drift:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(CHECK_SQL).format(
                index=sql.Identifier("public", TABLE), people=_people(jurisdiction)
            ),
            {"jurisdiction": jurisdiction.pk},
        )
        missing, extra, differing = cursor.fetchone()
    return Drift(missing, extra, differing, rehash(jurisdiction, dry_run=True))


def _batch(jurisdiction, after: int, *, lock: bool) -> list[tuple]:
    """The identity columns and stored keys of the next REHASH_BATCH people after id ``after``
    (locked for the caller's transaction with ``lock``: an agent's edit waits, then recomputes
    its keys itself)."""
    query = sql.SQL(
        "SELECT id, last_name, first_names, birth_date, appi_number, index_appi_key,"
        " index_identity_key FROM {} WHERE id > %s ORDER BY id LIMIT %s{}"
    ).format(_people(jurisdiction), sql.SQL(" FOR UPDATE" if lock else ""))
    with connection.cursor() as cursor:
        cursor.execute(query, [after, REHASH_BATCH])
        return cursor.fetchall()


def _stale(rows) -> list[tuple[int, str, str]]:
    """(id, appi key, identity key) of the rows whose stored keys differ from the current ones."""
    changes = []
    for pk, last_name, first_names, birth_date, appi, stored_appi, stored_identity in rows:
        keys = (appi_key(appi), identity_key(last_name, first_names, birth_date))
        if keys != (stored_appi, stored_identity):
            changes.append((pk, *keys))
    return changes


UPDATE_KEYS_SQL = """
UPDATE {people} p SET index_appi_key = k.appi_key, index_identity_key = k.identity_key
FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS k(id, appi_key, identity_key)
WHERE p.id = k.id
"""


def rehash(jurisdiction, *, dry_run: bool = False) -> int:
    """Recompute the keys of the jurisdiction's people with the current secret, REHASH_BATCH
    people per transaction; the number of people whose keys changed (or would, ``dry_run``).

    Runs in the jurisdiction's schema (the trigger and the audit trail resolve their tables
    through the search path); the audit trail records no event for a re-keying."""
    changed, after = 0, 0
    with tenant_context(jurisdiction):
        while True:
            with transaction.atomic(), pgtrigger.ignore(PERSON_AUDIT_UPDATE_TRIGGER):
                rows = _batch(jurisdiction, after, lock=not dry_run)
                if not rows:
                    return changed
                after = rows[-1][0]
                changes = _stale(rows)
                changed += len(changes)
                if changes and not dry_run:
                    ids, appi_keys, identity_keys = (
                        list(column) for column in zip(*changes, strict=True)
                    )
                    with connection.cursor() as cursor:
                        cursor.execute(
                            sql.SQL(UPDATE_KEYS_SQL).format(people=_people(jurisdiction)),
                            [ids, appi_keys, identity_keys],
                        )
