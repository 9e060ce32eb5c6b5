"""Migrating every jurisdiction schema at a deployment: in parallel, briefly locking, stopping at
the first failure with the schema named, resumable by running it again (docs/deployment.md,
"Deploying at national size").

django-tenants' ``migrate_schemas`` migrates the schemas one after the other (its
``multiprocessing`` executor runs them in parallel but keeps going after a failure and reports it
only in the middle of the output). Here:

1. the public schema is migrated first (``migrate_schemas --shared``);
2. one query over every schema's ``django_migrations`` tells which schemas have something to do,
   so a resumed deploy skips the schemas already done in milliseconds;
3. a pool of forked processes migrates those schemas, each with ``lock_timeout`` set (a DDL that
   cannot get its lock at once gives up instead of queueing every agent's query behind it; it is
   tried again after a pause) and its ``application_name`` saying which schema it migrates;
4. the first failure stops new schemas from starting; the schemas already running finish; the
   command names the failed schema with its error. Every migration is atomic per schema (or,
   when it cannot be, written to be run again: rules in docs/deployment.md), so each schema is
   either at the new state or at the old one, and running the command again resumes.
"""

import io
import multiprocessing
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import OperationalError

from .models import Jurisdiction
from .wake import existing_schemas

# SQLSTATE 55P03: lock_not_available (lock_timeout expired).
_LOCK_NOT_AVAILABLE = "55P03"
APPLICATION_NAME_PREFIX = "deploy:"


@dataclass
class SchemaOutcome:
    schema: str
    applied: list[str] = field(default_factory=list)
    seconds: float = 0.0
    attempts: int = 0
    error: str = ""
    output: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class DeployReport:
    public_seconds: float = 0.0
    schemas_total: int = 0
    up_to_date: int = 0
    outcomes: list[SchemaOutcome] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> SchemaOutcome | None:
        return next((outcome for outcome in self.outcomes if not outcome.ok), None)


def expected_migrations() -> set[tuple[str, str]]:
    """Every migration on disk: a jurisdiction schema records them all (django-tenants' router
    skips the operations of shared apps there but the migration is still recorded)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.graph.nodes)


def jurisdiction_schemas() -> list[str]:
    return list(
        Jurisdiction.objects.tenants().order_by("schema_name").values_list("schema_name", flat=True)
    )


def pending_by_schema(schemas: list[str], expected: set[tuple[str, str]]) -> dict[str, int]:
    """How many migrations each schema still lacks, read in one query (chunks of 200 schemas).
    A schema without its ``django_migrations`` table lacks them all."""
    with_table = {
        schema for _, schema in existing_schemas(list(enumerate(schemas)), ("django_migrations",))
    }
    applied: dict[str, set[tuple[str, str]]] = {schema: set() for schema in with_table}
    ordered = sorted(with_table)
    quote = connection.ops.quote_name
    for start in range(0, len(ordered), 200):
        chunk = ordered[start : start + 200]
        parts = [
            f"SELECT {index} AS s, app, name FROM {quote(schema)}.django_migrations"
            for index, schema in enumerate(chunk)
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts))
            for index, app, name in cursor.fetchall():
                applied[chunk[index]].add((app, name))
    return {
        schema: len(expected - applied[schema]) if schema in applied else len(expected)
        for schema in schemas
    }


def _migrate_options() -> dict:
    """The options ``migrate`` gets from its own parser with no argument (what django-tenants'
    ``migrate_schemas`` hands it), quiet and without the system checks already run."""
    from django_tenants.utils import get_tenant_base_migrate_command_class

    command = get_tenant_base_migrate_command_class()()
    options = vars(command.create_parser("manage.py", "migrate").parse_args([]))
    options.update(verbosity=1, interactive=False, database="default", skip_checks=True)
    return options


def _migrate_schema(schema: str, lock_timeout_ms: int, retries: int, pause: float):
    """Run in a forked process: migrate one schema, retrying when a lock was not available."""
    from django_tenants.migration_executors.base import run_migrations

    outcome = SchemaOutcome(schema=schema)
    started = time.perf_counter()
    buffer = io.StringIO()
    for attempt in range(1, retries + 2):
        outcome.attempts = attempt
        db = connections["default"]
        try:
            db.ensure_connection()
            with db.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, false)", [f"{lock_timeout_ms}ms"]
                )
                cursor.execute(
                    "SELECT set_config('application_name', %s, false)",
                    [(APPLICATION_NAME_PREFIX + schema)[:63]],
                )
            # run_migrations writes through a LinePrefixStream on sys.stdout: keep it here.
            real_stdout, real_stderr = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = buffer
            try:
                run_migrations((), _migrate_options(), "deploy", schema, allow_atomic=False)
            finally:
                sys.stdout, sys.stderr = real_stdout, real_stderr
            outcome.error = ""
            break
        except OperationalError as error:
            db.close()
            code = getattr(getattr(error, "__cause__", None), "sqlstate", None)
            outcome.error = f"{type(error).__name__}: {error}".strip()
            if code == _LOCK_NOT_AVAILABLE and attempt <= retries:
                time.sleep(pause * attempt)
                continue
            break
        except Exception as error:  # the report names the schema and the error; nothing is hidden
            db.close()
            outcome.error = f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=6)}"
            break
    db.close()
    outcome.output = buffer.getvalue()
    outcome.applied = [
        line.split("Applying ", 1)[1].split("...", 1)[0]
        for line in outcome.output.splitlines()
        if "Applying " in line and line.rstrip().endswith("OK")
    ]
    outcome.seconds = time.perf_counter() - started
    return outcome


def _child_started():
    # The parent's connection must not be shared with the children.
    connections["default"].connection = None


def deploy_migrations(
    *,
    processes: int | None = None,
    lock_timeout_ms: int | None = None,
    retries: int = 3,
    retry_pause: float = 2.0,
    shared: bool = True,
    schemas: list[str] | None = None,
    progress=None,
) -> DeployReport:
    """Migrate the public schema, then every jurisdiction schema that lacks a migration."""
    processes = processes or settings.DEPLOY_MIGRATION_PROCESSES
    if lock_timeout_ms is None:
        lock_timeout_ms = settings.DEPLOY_LOCK_TIMEOUT_MS
    report = DeployReport()
    started = time.perf_counter()
    if shared:
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        report.public_seconds = time.perf_counter() - started
    given = schemas
    expected = expected_migrations()
    seen: set[str] = set()
    # A jurisdiction created meanwhile by the previous release (cloned from the old template) is
    # picked up by the next round; three rounds at most.
    for _round in range(3):
        connection.set_schema_to_public()
        schemas = given if given is not None else jurisdiction_schemas()
        new = [schema for schema in schemas if schema not in seen]
        if not new:
            break
        seen.update(new)
        report.schemas_total += len(new)
        pending = pending_by_schema(new, expected)
        todo = [schema for schema in new if pending.get(schema)]
        report.up_to_date += len(new) - len(todo)
        if todo:
            _migrate_in_pool(
                todo, report, processes, lock_timeout_ms, retries, retry_pause, progress
            )
        if report.failed is not None or given is not None:
            break
    report.seconds = time.perf_counter() - started
    return report


def _migrate_in_pool(todo, report, processes, lock_timeout_ms, retries, retry_pause, progress):
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = list(todo)
    running = {}
    total = len(report.outcomes) + len(todo)
    with ProcessPoolExecutor(
        max_workers=min(processes, len(todo)), mp_context=context, initializer=_child_started
    ) as pool:
        while queue or running:
            while queue and len(running) < processes and report.failed is None:
                schema = queue.pop(0)
                future = pool.submit(_migrate_schema, schema, lock_timeout_ms, retries, retry_pause)
                running[future] = schema
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                schema = running.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # the child died (killed, out of memory)
                    outcome = SchemaOutcome(schema=schema, error=f"{type(error).__name__}: {error}")
                report.outcomes.append(outcome)
                if progress:
                    progress(outcome, len(report.outcomes), total)
            if report.failed is not None and queue:
                report.not_started.extend(queue)
                queue.clear()
