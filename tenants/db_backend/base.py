"""The platform's PostgreSQL backend: django-tenants' backend, plus a mode for a connection pooler
in transaction mode (PgBouncer ``pool_mode = transaction``).

django-tenants selects a jurisdiction with a session-level ``SET search_path``, sent once per
connection (``TENANT_LIMIT_SET_CALLS = True``) or before each cursor as a statement of its own.
Behind a transaction pooler every transaction may run on another server connection, which keeps
whatever ``search_path`` its previous client left: a query can then read or write another
jurisdiction's schema (tests/tenants/test_transaction_pooler.py shows it with a real PgBouncer).

With ``DATABASE_POOLER = "pgbouncer-transaction"`` the schema travels with every statement
instead, and nothing is ever set for the session:

- ``execute`` sends ``SET LOCAL search_path = ...; <statement>`` in one simple-protocol message
  (psycopg's client-side-binding cursor, Django's default): PostgreSQL runs a multi-statement
  message as one transaction (an implicit one in autocommit, or inside the open one), so the path
  and the statement always reach the same server connection, and ``SET LOCAL`` ends with the
  transaction;
- ``executemany`` and ``copy`` cannot carry a second statement (the pipeline and COPY need a
  message of their own): they send ``SET LOCAL`` first in the same transaction, opening one around
  them in autocommit;
- a statement in an aborted transaction (the ROLLBACK TO SAVEPOINT of a failed atomic block)
  goes as it is;
- server-side cursors (``DISABLE_SERVER_SIDE_CURSORS`` must be True) and server-side binding are
  refused when the connection is made, session-level advisory locks (``pg_advisory_lock``,
  ``pg_try_advisory_lock``, their unlock) when they are sent: they would outlive the transaction
  on a server connection that other clients then use.

docs/adr/0022-search-path-per-statement-behind-a-transaction-pooler.md, docs/deployment.md.
"""

import contextlib
import re
import weakref

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import NotSupportedError
from django.db.backends.postgresql.base import Cursor as DjangoCursor
from django_tenants.postgresql_backend import base as tenants_backend
from django_tenants.utils import quote_schema_name
from psycopg import pq, sql

TRANSACTION_POOLER = "pgbouncer-transaction"
POOLERS = ("", TRANSACTION_POOLER)
# Session-level advisory locks (not the _xact_ ones): taken on one server connection, released
# (or not) on another behind a transaction pooler.
_SESSION_ADVISORY_LOCK = re.compile(
    rb"pg_(?:try_)?advisory_(?:lock|unlock)(?:_shared|_all)?\s*\(", re.IGNORECASE
)


def pooler_setting() -> str:
    value = getattr(settings, "DATABASE_POOLER", "") or ""
    if value not in POOLERS:
        raise ImproperlyConfigured(
            f"DATABASE_POOLER must be empty or {TRANSACTION_POOLER!r}, not {value!r}"
        )
    return value


class SearchPathCursor(DjangoCursor):
    """Django's psycopg cursor (client-side binding) that carries the connection's current
    search_path with each statement. The path comes from the DatabaseWrapper that opened the
    connection (read at each statement), so a cursor opened before a schema switch follows it."""

    def _search_path_prefix(self) -> bytes | None:
        source = getattr(self.connection, "search_path_prefix", None)
        return source() if source is not None else None

    def execute(self, query, params=None, *, prepare=None, binary=None):
        prefix = self._search_path_prefix()
        # In an aborted transaction only a ROLLBACK (TO SAVEPOINT) can run: a SET before it would
        # fail instead.
        if (
            prefix is None
            or self.connection.info.transaction_status == pq.TransactionStatus.INERROR
        ):
            return super().execute(query, params, prepare=prepare, binary=binary)
        if isinstance(query, sql.Composable):
            query = query.as_bytes(self)
        elif isinstance(query, str):
            query = query.encode(self.connection.info.encoding)
        if (b"dvisory" in query or b"DVISORY" in query) and _SESSION_ADVISORY_LOCK.search(query):
            raise NotSupportedError(
                "a session-level advisory lock cannot work behind a transaction pooler: use"
                " pg_advisory_xact_lock, or run this process on a direct connection"
            )
        if params is not None:
            prefix = prefix.replace(b"%", b"%%")
        super().execute(prefix + query, params, prepare=prepare, binary=binary)
        self.nextset()  # the statement's result, not the SET's
        return self

    @contextlib.contextmanager
    def _path_set_in_transaction(self):
        prefix = self._search_path_prefix()
        if prefix is None:
            yield
            return
        opened = (
            self.connection.transaction()
            if self.connection.autocommit
            and self.connection.info.transaction_status == pq.TransactionStatus.IDLE
            else contextlib.nullcontext()
        )
        with opened:
            super().execute(prefix.rstrip(b"; "))
            yield

    def executemany(self, query, params_seq, *, returning=False):
        with self._path_set_in_transaction():
            return super().executemany(query, params_seq, returning=returning)

    @contextlib.contextmanager
    def copy(self, statement, params=None, *, writer=None):
        with self._path_set_in_transaction(), super().copy(statement, params, writer=writer) as c:
            yield c

    def stream(self, *args, **kwargs):
        raise NotImplementedError(
            "cursor.stream() cannot carry the search_path behind a transaction pooler"
        )


class DatabaseWrapper(tenants_backend.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.per_statement_search_path = pooler_setting() == TRANSACTION_POOLER
        self._prefixes = {}

    def get_connection_params(self):
        params = super().get_connection_params()
        if self.per_statement_search_path:
            if self.settings_dict["OPTIONS"].get("server_side_binding"):
                raise ImproperlyConfigured(
                    "DATABASE_POOLER = 'pgbouncer-transaction' needs client-side binding: remove"
                    " OPTIONS['server_side_binding']"
                )
            if not self.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
                raise ImproperlyConfigured(
                    "DATABASE_POOLER = 'pgbouncer-transaction' needs"
                    " DISABLE_SERVER_SIDE_CURSORS = True (a cursor does not outlive its"
                    " transaction's server connection)"
                )
            params["cursor_factory"] = SearchPathCursor
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.per_statement_search_path:
            # A bound method held strongly would keep this wrapper alive through its connection.
            connection.search_path_prefix = _weak_call(self._search_path_prefix)
        return connection

    def _search_path_prefix(self) -> bytes:
        key = (self.schema_name, self.include_public_schema)
        prefix = self._prefixes.get(key)
        if prefix is None:
            paths = ",".join(quote_schema_name(s) for s in self._get_cursor_search_paths())
            prefix = self._prefixes[key] = f"SET LOCAL search_path = {paths}; ".encode()
        return prefix

    def _handle_search_path(self, cursor=None):
        if self.per_statement_search_path:
            return  # nothing for the session: every statement carries its path
        super()._handle_search_path(cursor)

    def create_cursor(self, name=None):
        if name and self.per_statement_search_path:
            raise ImproperlyConfigured(
                "server-side cursors cannot work behind a transaction pooler: set"
                " DISABLE_SERVER_SIDE_CURSORS = True"
            )
        return super().create_cursor(name)


def _weak_call(method):
    ref = weakref.WeakMethod(method)

    def call():
        bound = ref()
        return bound() if bound is not None else None

    return call
