"""Behind a real PgBouncer in transaction pooling mode (Debian's pgbouncer, started here on a free
port in front of the test database): django-tenants' session-level search_path sends a
jurisdiction's queries into another jurisdiction's schema; the per-statement mode of
tenants/db_backend (DATABASE_POOLER = "pgbouncer-transaction") does not, in autocommit, in atomic
blocks, through a savepoint rollback, with executemany and COPY, and from several threads.

Each jurisdiction holds one committed Heartbeat row naming it ("probe-alpha", "probe-beta"): a
read answers the names it finds. pgbouncer missing fails the test (apt-get install pgbouncer).
"""

import contextlib
import copy
import itertools
import threading

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DataError, NotSupportedError, connection, connections, transaction
from django.db.utils import load_backend
from django.utils import timezone

from devtools.pgbouncer import PgBouncerMissing, running_pgbouncer
from jurisdiction_apps.core.models import Heartbeat
from tenants.models import Jurisdiction

SAFE = "tenants.db_backend"
UNSAFE = "django_tenants.postgresql_backend"  # the platform before DATABASE_POOLER
POOLER = "pgbouncer-transaction"
READ = "SELECT worker FROM core_heartbeat ORDER BY id"


@pytest.fixture
def probes(django_db_setup, django_db_blocker):
    """Committed rows, one per jurisdiction, removed afterwards (core_heartbeat only: quicker
    than committed_db's clean-up of every table)."""
    with django_db_blocker.unblock():
        schemas = dict(
            Jurisdiction.objects.filter(slug__in=("alpha", "beta")).values_list(
                "slug", "schema_name"
            )
        )
        tables = ", ".join(f'"{schema}".core_heartbeat' for schema in schemas.values())
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
            for slug, schema in schemas.items():
                cursor.execute(
                    f'INSERT INTO "{schema}".core_heartbeat'
                    " (ran_at, schema_name, local_time, time_zone, worker)"
                    " VALUES (now(), %s, '', 'UTC', %s)",
                    [schema, f"probe-{slug}"],
                )
        try:
            yield schemas
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {tables}")


@pytest.fixture
def pgbouncer():
    """start(pool_size) -> port of a PgBouncer in transaction mode; stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(pool_size=1):
            try:
                return stack.enter_context(
                    running_pgbouncer(connection.settings_dict, pool_size=pool_size)
                )
            except PgBouncerMissing as missing:
                pytest.fail(str(missing))

        yield start


@pytest.fixture
def through():
    """through(engine, port, schema) -> a Django connection to the test database via PgBouncer,
    registered under a fresh alias (for transaction.atomic(using=...)), closed after the test."""
    made = []
    counter = itertools.count()

    def make(engine, port, schema):
        settings_dict = copy.deepcopy(connection.settings_dict)
        settings_dict.update(HOST="127.0.0.1", PORT=str(port), CONN_MAX_AGE=0)
        if engine == SAFE:
            settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
        alias = f"pgbouncer-{next(counter)}"
        wrapper = load_backend(engine).DatabaseWrapper(settings_dict, alias)
        wrapper.set_schema(schema)
        connections[alias] = wrapper
        made.append(alias)
        return wrapper

    yield make
    for alias in made:
        connections[alias].close()
        del connections[alias]


def read(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute(READ)
        return [row[0] for row in cursor.fetchall()]


def workers_in(schema) -> list[str]:
    """What a schema holds, read on a direct connection (not through PgBouncer)."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT worker FROM "{schema}".core_heartbeat ORDER BY id')
        return [row[0] for row in cursor.fetchall()]


# --- django-tenants as configured before: the leak ---------------------------------------------
def test_search_path_set_once_per_connection_leaks_to_another_jurisdiction(
    probes, pgbouncer, through, settings
):
    settings.TENANT_LIMIT_SET_CALLS = True  # the platform's setting
    port = pgbouncer(pool_size=1)
    a = through(UNSAFE, port, probes["alpha"])
    b = through(UNSAFE, port, probes["beta"])

    assert read(a) == ["probe-alpha"]  # sets alpha on the server connection, once
    assert read(b) == ["probe-beta"]  # sets beta on the same server connection
    # Alpha's connection believes its search_path is set: it reads Bêta's data.
    assert read(a) == ["probe-beta"]
    with transaction.atomic(using=a.alias):
        assert read(a) == ["probe-beta"]


def test_search_path_sent_before_each_query_still_leaks(probes, pgbouncer, through, settings):
    settings.TENANT_LIMIT_SET_CALLS = False  # SET search_path before every cursor
    port = pgbouncer(pool_size=1)
    a = through(UNSAFE, port, probes["alpha"])
    b = through(UNSAFE, port, probes["beta"])

    # The SET is a transaction of its own: another client's SET can come between it and the query.
    cursor_a = a.cursor()  # SET search_path = alpha
    cursor_b = b.cursor()  # SET search_path = beta, on the same server connection
    cursor_a.execute(READ)
    assert [row[0] for row in cursor_a.fetchall()] == ["probe-beta"]
    cursor_a.close()
    cursor_b.close()


# --- the per-statement mode ---------------------------------------------------------------------
@pytest.fixture
def safe(settings):
    settings.DATABASE_POOLER = POOLER


def test_per_statement_search_path_autocommit_interleaved(
    probes, pgbouncer, through, settings, safe
):
    settings.TENANT_LIMIT_SET_CALLS = True
    port = pgbouncer(pool_size=1)
    polluter = through(UNSAFE, port, probes["beta"])
    a = through(SAFE, port, probes["alpha"])
    b = through(SAFE, port, probes["beta"])

    # An unsafe client leaves search_path = beta on the only server connection.
    assert read(polluter) == ["probe-beta"]
    for _ in range(20):
        assert read(a) == ["probe-alpha"]
        assert read(b) == ["probe-beta"]
        assert list(Heartbeat.objects.using(a.alias).values_list("worker", flat=True)) == [
            "probe-alpha"
        ]
    # Following a switch of schema on the same connection, even with a cursor opened before it.
    cursor = a.cursor()
    a.set_schema(probes["beta"])
    cursor.execute(READ)
    assert cursor.fetchall() == [("probe-beta",)]
    cursor.close()
    # Nothing stays on the server connection: a plain client sees the polluter's value, not ours.
    with psycopg.connect(
        host="127.0.0.1", port=port, dbname=a.settings_dict["NAME"], user=a.settings_dict["USER"]
    ) as plain:
        shown = plain.execute("SHOW search_path").fetchone()[0]
    assert shown.replace('"', "") == f"{probes['beta']}, public"


def test_per_statement_search_path_in_atomic_blocks(probes, pgbouncer, through, settings, safe):
    settings.TENANT_LIMIT_SET_CALLS = True
    port = pgbouncer(pool_size=1)
    a = through(SAFE, port, probes["alpha"])
    polluter = through(UNSAFE, port, probes["beta"])
    b = through(SAFE, port, probes["beta"])

    assert read(a) == ["probe-alpha"]
    assert read(polluter) == ["probe-beta"]  # search_path = beta left on the server connection
    with transaction.atomic(using=a.alias):
        assert read(a) == ["probe-alpha"]
        Heartbeat.objects.using(a.alias).create(
            ran_at=timezone.now(), schema_name="", local_time="", time_zone="UTC", worker="atomic"
        )
        with pytest.raises(DataError), transaction.atomic(using=a.alias), a.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
        # After ROLLBACK TO SAVEPOINT, still alpha.
        assert read(a) == ["probe-alpha", "atomic"]
    with transaction.atomic(using=b.alias):
        assert read(b) == ["probe-beta"]
    assert read(a) == ["probe-alpha", "atomic"]
    assert workers_in(probes["alpha"]) == ["probe-alpha", "atomic"]
    assert workers_in(probes["beta"]) == ["probe-beta"]


def test_per_statement_search_path_with_executemany_and_copy(
    probes, pgbouncer, through, settings, safe
):
    settings.TENANT_LIMIT_SET_CALLS = True
    port = pgbouncer(pool_size=1)
    a = through(SAFE, port, probes["alpha"])
    polluter = through(UNSAFE, port, probes["beta"])
    now = timezone.now()
    insert = (
        "INSERT INTO core_heartbeat (ran_at, schema_name, local_time, time_zone, worker)"
        " VALUES (%s, '', '', 'UTC', %s)"
    )
    columns = "ran_at, schema_name, local_time, time_zone, worker"

    assert read(a) == ["probe-alpha"]
    assert read(polluter) == ["probe-beta"]  # search_path = beta left on the server connection
    with a.cursor() as cursor:  # autocommit
        cursor.executemany(insert, [(now, "many-1"), (now, "many-2")])
    with (
        a.cursor() as cursor,
        cursor.cursor.copy(f"COPY core_heartbeat ({columns}) FROM STDIN") as c,
    ):
        c.write_row([now, "", "", "UTC", "copied-autocommit"])
    # As onboarding/imports/appointments.py does: COPY on Django's cursor in an atomic block.
    with transaction.atomic(using=a.alias):
        with a.cursor() as cursor:
            cursor.executemany(insert, [(now, "many-atomic")])
        assert read(a)[-1] == "many-atomic"
        with (
            a.cursor() as cursor,
            cursor.cursor.copy(f"COPY core_heartbeat ({columns}) FROM STDIN") as c,
        ):
            c.write_row([now, "", "", "UTC", "copied-atomic"])
    with a.cursor() as cursor, cursor.cursor.copy(f"COPY ({READ}) TO STDOUT") as c:
        copied_out = [row[0] for row in c.rows()]

    expected = ["probe-alpha", "many-1", "many-2", "copied-autocommit"]
    expected += ["many-atomic", "copied-atomic"]
    assert copied_out == expected
    assert workers_in(probes["alpha"]) == expected
    assert workers_in(probes["beta"]) == ["probe-beta"]


def test_per_statement_search_path_from_threads(probes, pgbouncer, through, safe):
    port = pgbouncer(pool_size=2)
    wrappers = [through(SAFE, port, probes["alpha"]) for _ in range(4)]
    wrong = []

    def client(index, wrapper):
        connections[wrapper.alias] = wrapper  # this thread's handle, for atomic(using=...)
        for turn in range(60):
            slug = ("alpha", "beta")[(index + turn) % 2]
            wrapper.set_schema(probes[slug])
            if turn % 3:
                seen = [read(wrapper)]
            else:  # two reads in one transaction, while the other threads go on
                with transaction.atomic(using=wrapper.alias):
                    seen = [read(wrapper), read(wrapper)]
            if any(names != [f"probe-{slug}"] for names in seen):
                wrong.append((index, turn, seen))

    threads = []
    for index, wrapper in enumerate(wrappers):
        wrapper.inc_thread_sharing()  # made here, used by one thread only
        threads.append(threading.Thread(target=client, args=(index, wrapper)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_per_statement_mode_refuses_what_cannot_work_behind_the_pooler(
    probes, pgbouncer, through, settings, safe
):
    port = pgbouncer(pool_size=1)
    a = through(SAFE, port, probes["alpha"])
    a.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
    with pytest.raises(ImproperlyConfigured, match="DISABLE_SERVER_SIDE_CURSORS"):
        a.ensure_connection()
    a.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    with pytest.raises(ImproperlyConfigured, match="server-side cursors"):
        a.chunked_cursor()
    with a.cursor() as cursor, pytest.raises(NotImplementedError):
        cursor.cursor.stream(READ)
    # The retention job's lock (jurisdiction_apps/casefile/retention.py) is session-level.
    for statement in ("SELECT pg_try_advisory_lock(%s)", "SELECT pg_advisory_unlock(%s)"):
        with a.cursor() as cursor, pytest.raises(NotSupportedError, match="advisory"):
            cursor.execute(statement, [1])
    with a.cursor() as cursor:  # transaction-scoped: fine
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [1])
        assert cursor.fetchone() == (True,)

    settings.DATABASE_POOLER = "pgbouncer"
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER"):
        through(SAFE, port, probes["alpha"])
