"""Deploying a migration to every jurisdiction schema (tenants/deploy.py): in parallel, stopping
at the first failure with the schema named, each schema left at the old or the new state, and
resumed by running the command again; a DDL that cannot get its lock gives up quickly and is
tried again."""

import threading
import time

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tenants.deploy import deploy_migrations, expected_migrations, pending_by_schema

LEAF = ("notifications", "0004_index_of_messages_not_redacted")
INDEX = "message_not_redacted"


def _unapply_leaf(schema: str) -> None:
    call_command(
        "migrate_schemas",
        "notifications",
        "0003",
        schema_name=schema,
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()


def _state(schema: str) -> tuple[bool, bool]:
    """(the migration is recorded, the index exists) in ``schema``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
            list(LEAF),
        )
        recorded = cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = %s AND indexname = %s",
            [schema, INDEX],
        )
        indexed = cursor.fetchone()[0] == 1
    return recorded, indexed


def _missing(schema: str, reference: str) -> int:
    """How many migrations ``reference`` records that ``schema`` does not."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM (SELECT app, name FROM "{reference}".django_migrations '
            f'EXCEPT SELECT app, name FROM "{schema}".django_migrations) AS missing'
        )
        return cursor.fetchone()[0]


def _libpq_dsn() -> str:
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )


@pytest.fixture
def two_behind(committed_db):
    schemas = sorted(j.schema_name for j in committed_db.values())[:2]
    for schema in schemas:
        _unapply_leaf(schema)
    try:
        yield schemas
    finally:
        for schema in schemas:
            if not _state(schema)[0]:  # a foreign index left by a failed test
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP INDEX IF EXISTS "{schema}"."{INDEX}"')
        deploy_migrations(shared=False, processes=2, schemas=schemas)
        assert all(_state(schema) == (True, True) for schema in schemas)


def test_only_schemas_that_lack_a_migration_are_migrated(two_behind, committed_db):
    every = sorted(j.schema_name for j in committed_db.values())
    pending = pending_by_schema(every, expected_migrations())
    assert {schema for schema, count in pending.items() if count} == set(two_behind)
    # The leaf and the migrations that depend on it (notifications' later ones), each counted.
    (up_to_date,) = set(every) - set(two_behind)
    missing = {schema: _missing(schema, up_to_date) for schema in two_behind}
    assert {schema: pending[schema] for schema in two_behind} == missing, missing
    assert min(missing.values()) >= 1

    report = deploy_migrations(shared=False, processes=2, schemas=every)

    assert report.failed is None
    assert report.up_to_date == len(every) - 2
    assert sorted(o.schema for o in report.outcomes) == two_behind
    for outcome in report.outcomes:
        assert outcome.applied[0] == ".".join(LEAF)
        assert len(outcome.applied) == missing[outcome.schema]
    assert all(_state(schema) == (True, True) for schema in two_behind)


def test_a_failing_schema_stops_the_deploy_is_named_and_the_next_run_resumes(two_behind, capsys):
    good, bad = two_behind
    # In `bad`, something already holds the name the migration gives its index.
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE INDEX "{INDEX}" ON "{bad}".notifications_message (id)')

    with pytest.raises(CommandError) as failure:
        call_command("deploy_migrations", "--no-shared", "--processes", "1")

    message = str(failure.value)
    assert f"migration failed in schema {bad}" in message
    assert "already exists" in message
    assert "run `manage.py deploy_migrations` again" in message
    # The failed schema is at the old state: the migration is not recorded (its own index stays
    # the foreign one); the schema before it in the order is at the new state.
    assert _state(bad) == (False, True)
    assert _state(good) == (True, True)

    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{bad}"."{INDEX}"')
    capsys.readouterr()
    call_command("deploy_migrations", "--no-shared", "--processes", "2")
    out = capsys.readouterr().out
    assert f"{bad}: ok" in out
    assert f"{good}: ok" not in out  # already done: skipped
    assert _state(bad) == (True, True)


def test_a_ddl_that_cannot_get_its_lock_gives_up_quickly_and_is_tried_again(two_behind):
    schema = two_behind[0]
    # An agent's transaction holds a row lock on the table the index is built on.
    blocker = psycopg.connect(_libpq_dsn())
    blocker.execute(f'LOCK TABLE "{schema}".notifications_message IN ROW EXCLUSIVE MODE')
    try:
        report = deploy_migrations(
            shared=False, processes=1, schemas=[schema], lock_timeout_ms=200, retries=0
        )
        assert report.failed is not None
        assert report.failed.schema == schema
        assert "lock timeout" in report.failed.error
        assert report.failed.seconds < 5
        assert _state(schema) == (False, False)

        # Released once the first try has timed out, before the second: the deploy then succeeds.
        def release_after_first_timeout():
            with psycopg.connect(_libpq_dsn(), autocommit=True) as watcher:
                for _ in range(1000):
                    waiting = watcher.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                        "AND wait_event_type = 'Lock'",
                        [f"deploy:{schema}"],
                    ).fetchone()[0]
                    if waiting:
                        break
                    time.sleep(0.02)
            time.sleep(0.5)  # longer than the 200 ms lock_timeout: that try has given up
            blocker.rollback()

        release = threading.Thread(target=release_after_first_timeout)
        release.start()
        report = deploy_migrations(
            shared=False,
            processes=1,
            schemas=[schema],
            lock_timeout_ms=200,
            retries=3,
            retry_pause=1.5,
        )
        release.join()
        assert report.failed is None
        assert report.outcomes[0].attempts >= 2
        assert _state(schema) == (True, True)
    finally:
        blocker.close()
