"""Periodic work that wakes only the jurisdictions with something to do (docs/adr/0019).

Each app registers, for a tenant task it runs on a schedule, a *finder*: given the jurisdictions
of the beat entry's scope and the current time, it returns the ids of those that have work. The
national dispatcher (tenants/tasks.py, ``platform.wake_jurisdictions``) runs the finder once per
tick in the public schema and sends the tenant task only to them. A task without a finder is sent
to every jurisdiction of the scope, as before.

Most finders are one condition on a schema's own tables (``schema_condition``): the dispatcher
generates one ``UNION ALL`` query over every schema, each branch reading that schema's partial
index, so there is no second copy of the due times to keep in step. This module knows no app
table: the conditions come from the apps (``AppConfig.ready``), like the retention registry.

Failure rule: a schema that the finder cannot read (being dropped, locked by a migration) is
*woken* rather than skipped: the tenant task does its own work or fails there on its own. A
schema that does not exist (yet) is skipped.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from psycopg import sql

logger = logging.getLogger(__name__)

# A finder: (jurisdictions as (id, schema_name) pairs, now) -> ids of those with work.
Finder = Callable[[list[tuple[int, str]], object], set[int]]

_finders: dict[str, Finder] = {}

# A finder's query waits at most this long for a lock (a migration, a schema being dropped).
LOCK_TIMEOUT = "2s"


def register_finder(task_name: str, finder: Finder) -> None:
    """Wake ``task_name``'s jurisdictions only where ``finder`` says there is work."""
    _finders[task_name] = finder


def finder_for(task_name: str) -> Finder | None:
    return _finders.get(task_name)


@dataclass(frozen=True)
class SchemaCondition:
    """A boolean SQL expression over one schema's tables: ``{schema}`` stands for the quoted
    schema name, ``%(name)s`` for the parameters that ``params(now)`` returns."""

    tables: tuple[str, ...]  # every table the condition reads (a schema without them is skipped)
    condition: str
    params: Callable[[object], dict]

    def __call__(self, jurisdictions: list[tuple[int, str]], now) -> set[int]:
        return schemas_where(jurisdictions, self, now)


def schema_condition(tables: Iterable[str], condition: str, params=None) -> SchemaCondition:
    return SchemaCondition(tuple(tables), condition, params or (lambda now: {}))


def existing_schemas(jurisdictions: list[tuple[int, str]], tables: tuple[str, ...]) -> list[tuple]:
    """The jurisdictions whose schema holds every table (a schema still being created in another
    transaction, or already dropped, has none that this one can see)."""
    if not jurisdictions:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT j.id, j.schema FROM unnest(%s::bigint[], %s::text[]) AS j(id, schema)"
            " WHERE (SELECT bool_and(to_regclass(quote_ident(j.schema) || '.' || quote_ident(t))"
            " IS NOT NULL) FROM unnest(%s::text[]) AS t)",
            [[j for j, _ in jurisdictions], [s for _, s in jurisdictions], list(tables)],
        )
        return cursor.fetchall()


def _branch(jurisdiction_id: int, schema: str, condition: str) -> sql.Composable:
    return sql.SQL("SELECT {id} WHERE {condition}").format(
        id=sql.Literal(jurisdiction_id),
        condition=sql.SQL(condition).format(schema=sql.Identifier(schema)),
    )


def schemas_where(jurisdictions: list[tuple[int, str]], spec: SchemaCondition, now) -> set[int]:
    """The ids of the jurisdictions whose schema meets ``spec.condition``, in one query."""
    existing = existing_schemas(jurisdictions, spec.tables)
    if not existing:
        return set()
    params = spec.params(now)
    query = sql.SQL(" UNION ALL ").join(_branch(j, s, spec.condition) for j, s in existing)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT)))
            cursor.execute(query, params)
            return {row[0] for row in cursor.fetchall()}
    except DatabaseError:
        logger.warning("wake: the one-query finder failed, asking each schema", exc_info=True)
    found = set()
    for jurisdiction_id, schema in existing:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT))
                )
                cursor.execute(_branch(jurisdiction_id, schema, spec.condition), params)
                found.update(row[0] for row in cursor.fetchall())
        except DatabaseError:
            if existing_schemas([(jurisdiction_id, schema)], spec.tables):
                logger.warning("wake: schema %s unreadable, woken anyway", schema)
                found.add(jurisdiction_id)
    return found
