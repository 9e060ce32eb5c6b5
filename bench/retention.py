"""The nightly retention job on a big jurisdiction, with agents booking while it runs (issue 18).

One jurisdiction with 200,000 people and 1,000,000 appointments (their events, audit rows, SMS
and attempts): 40,000 people (20 %) are due for erasure (archived more than six months ago, no
activity since), 9,800 due for archiving (no activity for more than a year), 200 more would be
erased but are on legal hold, and about 25,000 SMS are due for redaction (the month before the
three-month cutoff: older ones were redacted by earlier nights).

Measured in the same run, on a fresh copy of the dataset:

(a) five agents (five processes) book appointments through the real service
    (``jurisdiction_apps.scheduling.services.book``, its SMS included), each with a think time
    between bookings: the p95 of a booking (the person's read and ``book()``) without the job;
(b) the same agents while ``jurisdiction_apps.casefile.retention.run()`` runs: the job's wall
    time, its longest transaction (the Run row, ``longest_transaction_ms``), the booking p95
    and its ratio to (a);
(c) the baseline on another fresh copy: a naive ``Person.objects.filter(...).delete()`` of people
    of the same due set, in one transaction (so every row lock it takes is held for its whole
    duration). Person is PROTECTed by its appointments, so the naive code deletes these first
    (the ORM cascades to their events and SMS), then the people, both in one transaction. It is
    measured on disjoint subsets (BENCH_NAIVE_SUBSETS, default 1000, 2000, 4000 people),
    extrapolated linearly to the whole set (a lower bound: the ORM's collector keeps every
    related row in memory, its cost grows at least linearly), then, on another fresh copy, run
    on the whole set when that bound is under BENCH_NAIVE_FULL_MAX_S (300 s). Its time grows
    faster than linearly (about n^1.5 on 1,000 to 4,000 people): a power fit of the last two
    subsets is given beside the linear bound.

Run with `make bench-retention`. The last line printed is one JSON object.

Data: generated in SQL (INSERT ... SELECT generate_series, audit and foreign-key triggers off
for the load) into a base database, ``justice_bench_retention_base`` beside DATABASE_URL's,
kept between runs and rebuilt when DATASET_VERSION, the sizes or the migrations change (its
comment records what it holds). Each measurement runs on ``justice_bench_retention``, a copy
made with ``CREATE DATABASE ... TEMPLATE`` (a few seconds), dropped at the end. The base takes
about 1.5 GB; BENCH_DROP_BASE=1 drops it at the end.

Environment (all optional): BENCH_PEOPLE (200000), BENCH_APPOINTMENTS (1000000),
BENCH_AGENTS (5), BENCH_THINK_MS (think time of an agent between two bookings, 200),
BENCH_QUIET_SECONDS (bookings measured without the job, 60), BENCH_NAIVE_SUBSETS ("1000,2000,4000"),
BENCH_NAIVE_FULL_MAX_S (300), BENCH_DROP_BASE=1, BENCH_KEEP=1 (keep the copy to investigate).
RETENTION_PAUSE_RATIO (settings) is the job's pause between batches.
"""

import contextlib
import hashlib
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")
os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production runs
os.environ.setdefault("LOG_LEVEL", "WARNING")

# Decided before Django starts: the bench works in a database of its own (the agents inherit it).
ADMIN_DATABASE_URL = os.environ.get("BENCH_ADMIN_DATABASE_URL") or os.environ.get(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/justice"
)
os.environ["BENCH_ADMIN_DATABASE_URL"] = ADMIN_DATABASE_URL
RUN_DATABASE = "justice_bench_retention"
BASE_DATABASE = "justice_bench_retention_base"
_split = urllib.parse.urlsplit(ADMIN_DATABASE_URL)
os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(_split._replace(path="/" + RUN_DATABASE))

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402
from figures import host_cpu_busy, percentile  # noqa: E402  (bench/figures.py)

from jurisdiction_apps.casefile import retention  # noqa: E402
from jurisdiction_apps.organisation.models import AppointmentType, Place  # noqa: E402
from jurisdiction_apps.people.models import Person  # noqa: E402
from jurisdiction_apps.scheduling.models import Appointment  # noqa: E402
from jurisdiction_apps.scheduling.services import BookingRequest, book  # noqa: E402
from shared.retention import services as runs  # noqa: E402
from shared.retention.batches import BATCH_SIZE  # noqa: E402
from shared.retention.constants import Category  # noqa: E402
from tenants.constants import JurisdictionStatus  # noqa: E402
from tenants.models import Jurisdiction  # noqa: E402
from tenants.services import JurisdictionSpec, create_jurisdiction, ensure_public_tenant  # noqa: E402

# Bump when the generated data changes: the base database is then rebuilt.
DATASET_VERSION = 1
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
APPOINTMENTS = int(os.environ.get("BENCH_APPOINTMENTS", "1000000"))
AGENTS = int(os.environ.get("BENCH_AGENTS", "5"))
THINK_MS = float(os.environ.get("BENCH_THINK_MS", "200"))
QUIET_SECONDS = float(os.environ.get("BENCH_QUIET_SECONDS", "60"))
NAIVE_SUBSETS = [
    int(size) for size in os.environ.get("BENCH_NAIVE_SUBSETS", "1000,2000,4000").split(",") if size
]
# The whole set too, on another copy, when the subsets predict it under this many seconds.
NAIVE_FULL_MAX_S = float(os.environ.get("BENCH_NAIVE_FULL_MAX_S", "300"))
DROP_BASE = os.environ.get("BENCH_DROP_BASE") == "1"
KEEP = os.environ.get("BENCH_KEEP") == "1"

GOAL_JOB_SECONDS = 600
GOAL_P95_RATIO = 1.5
GOAL_LONGEST_TRANSACTION_MS = 1000
SLUG = "bench-retention"
ZONE = "Europe/Paris"
WARM_UP_BOOKINGS = 3  # each agent's first bookings (caches, connections) are not counted
WARM_UP_SECONDS = 10  # nor the first seconds of booking on a fresh copy (cold pages)
AGENT_QUEUE = "bench-retention"  # Celery queue of the agents' SMS hand-overs, emptied at the end

# Groups of people, by their number i (1..PEOPLE) - the same expressions in every statement.
HELD = "i %% 1000 = 1"
ERASE = "i %% 5 = 0"
ARCHIVE = f"i %% 20 = 1 AND NOT ({HELD})"
RECENT = "i %% 20 = 3"
ACTIVE = f"NOT ({ERASE}) AND i %% 20 NOT IN (1, 3)"
# Days since archiving (erase: 200-499, past the 6-month rule; held: the same; recent: 30-149).
ARCHIVED_DAYS = f"""CASE WHEN {ERASE} OR {HELD} THEN 200 + (i * 7919) %% 300
    WHEN {RECENT} THEN 30 + i %% 120 END"""


def agent_email(index: int) -> str:
    return f"agent{index}@bench-retention.test"


# --- databases ------------------------------------------------------------------------------
def _admin() -> psycopg.Connection:
    """A connection to the server's maintenance database (DATABASE_URL's server and user)."""
    url = urllib.parse.urlunsplit(_split._replace(scheme="postgresql", path="/postgres"))
    return psycopg.connect(url, autocommit=True)


def base_version() -> str:
    migrations = sorted(
        str(path.relative_to(ROOT)) for path in ROOT.glob("*/**/migrations/[0-9]*.py")
    )
    digest = hashlib.sha1("\n".join(migrations).encode()).hexdigest()[:12]
    return f"retention v{DATASET_VERSION} {PEOPLE} people {APPOINTMENTS} appointments {digest}"


def base_is_current() -> bool:
    with _admin() as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [BASE_DATABASE],
        ).fetchone()
    return row is not None and row[0] == base_version()


def drop_database(name: str) -> None:
    connections.close_all()
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_base() -> float:
    """A fresh copy of the base for one measurement (the previous copy goes)."""
    started = time.perf_counter()
    drop_database(RUN_DATABASE)
    with _admin() as admin:
        (version,) = admin.execute("SHOW server_version_num").fetchone()
        strategy = " STRATEGY = FILE_COPY" if int(version) >= 150000 else ""
        admin.execute(f'CREATE DATABASE "{RUN_DATABASE}" TEMPLATE "{BASE_DATABASE}"{strategy}')
    os.sync()  # the copy's pages written out now, not during the measurement
    return time.perf_counter() - started


def build_base() -> dict:
    """Build the dataset in the run database, then make it the base (renamed, commented)."""
    figures = {}
    started = time.perf_counter()
    drop_database(BASE_DATABASE)
    drop_database(RUN_DATABASE)
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{RUN_DATABASE}"')
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    agents = []
    for index in range(AGENTS):
        user = get_user_model().objects.create(
            email=agent_email(index), first_name=f"Agent{index}", last_name="Banc"
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        agents.append(user.pk)
    jurisdiction, _ = create_jurisdiction(
        JurisdictionSpec(
            slug=SLUG, name="Banc conservation", time_zone=ZONE, status=JurisdictionStatus.LIVE
        )
    )
    figures["schema_s"] = round(time.perf_counter() - started, 1)
    figures["load_steps_s"] = load(jurisdiction, agents)
    started = time.perf_counter()
    with tenant_context(jurisdiction), connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    figures["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    connections.close_all()
    with _admin() as admin:
        admin.execute(f'ALTER DATABASE "{RUN_DATABASE}" RENAME TO "{BASE_DATABASE}"')
        admin.execute(
            f"COMMENT ON DATABASE \"{BASE_DATABASE}\" IS '{base_version()}'"  # no quote inside
        )
        (size,) = admin.execute("SELECT pg_database_size(%s)", [BASE_DATABASE]).fetchone()
    figures["base_size_mb"] = round(size / 1e6)
    return figures


def load(jurisdiction, agents: list[int]) -> dict:
    """The jurisdiction's data in SQL, in one transaction, audit and foreign-key triggers off."""
    steps = {}
    per_person = APPOINTMENTS // PEOPLE
    params = {"people": PEOPLE, "appointments": APPOINTMENTS, "agents": agents, "zone": ZONE}

    def step(name, sql, extra=None):
        begun = time.perf_counter()
        cursor.execute(sql, {**params, **(extra or {})})
        steps[name] = round(time.perf_counter() - begun, 1)
        print(f"  {name}: {steps[name]} s", flush=True)

    with tenant_context(jurisdiction), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # superuser: no trigger
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SELECT id FROM organisation_place WHERE kind = 'phone'")
        (place,) = cursor.fetchone()
        cursor.execute(
            "SELECT id FROM organisation_appointmenttype WHERE code = 'rdv-telephonique'"
        )
        (kind,) = cursor.fetchone()
        params.update(place=place, kind=kind)
        # Last activity, in days before now: erase/held/recent people had theirs before they
        # were archived; people due for archiving more than a year ago; the others from 330
        # days ago to 89 days ahead (a future appointment is activity).
        step(
            "people",
            f"""
            INSERT INTO people_person (id, archived_at, last_name, first_names, birth_date,
                phone, no_mobile_phone, refuses_sms, appi_number, residence, city, search_name,
                created_at, referent_id, follow_up_since, held_at, held_by_id, hold_reason)
            SELECT i,
                now() - ({ARCHIVED_DAYS}) * interval '1 day',
                'NOM' || i, 'Prénom' || (i %% 97), date '1960-01-01' + (i %% 15000),
                '+336' || lpad(i::text, 8, '0'), false, false,
                lpad(((i::bigint * 104729) %% 100000000)::text, 8, '0'), 'city', 'Nanterre',
                'nom' || i || ' prenom' || (i %% 97),
                now() - (CASE WHEN {ACTIVE} THEN 400 + i %% 1000 WHEN {ARCHIVE} THEN 800 + i %% 100
                    ELSE ({ARCHIVED_DAYS}) + 400 END) * interval '1 day',
                (%(agents)s::bigint[])[1 + i %% cardinality(%(agents)s::bigint[])], NULL,
                CASE WHEN {HELD} THEN now() - interval '100 days' END, NULL,
                CASE WHEN {HELD} THEN 'Procédure judiciaire en cours' ELSE '' END
            FROM generate_series(1, %(people)s) AS i
            """,
        )
        step(
            "appointments",
            f"""
            INSERT INTO scheduling_appointment (id, starts_at, duration_minutes, state,
                notify_mode, case_numbers, state_changed_at, created_at, agenda_id,
                appointment_type_id, assigned_agent_id, booked_by_id, person_id, place_id)
            SELECT k + 1, starts_at, 30,
                CASE WHEN starts_at > now() THEN 'booked' WHEN k %% 10 < 8 THEN 'fulfilled'
                    WHEN k %% 10 = 8 THEN 'no_show' ELSE 'excused' END,
                'notify_and_remind', '',
                CASE WHEN starts_at > now() THEN NULL ELSE starts_at + interval '2 hours' END,
                LEAST(starts_at - (10 + k %% 30) * interval '1 day', now() - interval '1 hour'),
                NULL, %(kind)s, agent, agent, i, %(place)s
            FROM (
                SELECT k, i,
                    (%(agents)s::bigint[])[(1 + k %% cardinality(%(agents)s::bigint[]))::int]
                        AS agent,
                    date_trunc('day', now() - (CASE
                        WHEN {ACTIVE} THEN 330 - (k * 7919) %% 420
                        WHEN {ARCHIVE} THEN 400 + j * 70 + (k * 31) %% 20
                        ELSE ({ARCHIVED_DAYS}) + 20 + j * 70 + (k * 31) %% 20
                    END) * interval '1 day') + (9 + k %% 8) * interval '1 hour' AS starts_at
                FROM (
                    SELECT k, 1 + k %% %(people)s AS i, k / %(people)s AS j
                    FROM generate_series(0::bigint, %(appointments)s - 1) AS k
                ) AS numbered
            ) AS placed
            ORDER BY k
            """,
        )
        step(
            "events",
            """
            INSERT INTO scheduling_appointmentevent (id, kind, from_state, to_state, notify,
                details, at, actor_id, appointment_id, person_id)
            SELECT id, 'booked', '', 'booked', true, '{}'::jsonb, created_at, booked_by_id, id,
                person_id
            FROM scheduling_appointment
            UNION ALL
            SELECT %(appointments)s + id, state, 'booked', state, false, '{}'::jsonb,
                state_changed_at, assigned_agent_id, id, person_id
            FROM scheduling_appointment WHERE state <> 'booked'
            """,
        )
        # One summon for every other appointment, delivered; the text and number of those
        # delivered more than four months ago were redacted by earlier nights, the last month
        # before the three-month cutoff is due tonight.
        step(
            "messages",
            """
            INSERT INTO notifications_message (id, kind, state, due_at, reason, phone, text,
                segments, attempt_count, attempt_limit, provider, provider_message_id,
                receipt_code, created_at, queued_at, sending_at, sent_at, delivered_at,
                appointment_id, event_id, person_id)
            SELECT a.id, 'summon', 'delivered', a.created_at, '',
                CASE WHEN redacted THEN '' ELSE p.phone END,
                CASE WHEN redacted THEN '' ELSE
                    'SPIP : vous êtes convoqué(e) par téléphone le '
                    || to_char(a.starts_at AT TIME ZONE %(zone)s, 'DD/MM/YYYY à HH24:MI')
                    || '. En cas d''empêchement, prévenez votre conseiller. STOP : lien' END,
                1, 1, 10, 'link', 'link-' || a.id, 'DELIVRD', a.created_at, a.created_at,
                a.created_at, a.created_at + interval '1 minute',
                a.created_at + interval '2 minutes', a.id, a.id, a.person_id
            FROM (
                SELECT *, created_at + interval '2 minutes' < now() - interval '4 months'
                    AS redacted
                FROM scheduling_appointment WHERE id %% 2 = 0
            ) AS a
            JOIN people_person p ON p.id = a.person_id
            ORDER BY a.id
            """,
        )
        step(
            "attempts",
            """
            INSERT INTO notifications_attempt (number, provider, outcome, code, detail,
                provider_message_id, started_at, finished_at, message_id)
            SELECT 1, 'link', 'accepted', '', '', provider_message_id, sending_at,
                sent_at, id
            FROM notifications_message ORDER BY id
            """,
        )
        step(
            "person_audit",
            """
            INSERT INTO people_personaudit (pgh_created_at, pgh_label, id, archived_at,
                last_name, first_names, birth_date, phone, no_mobile_phone, refuses_sms,
                appi_number, residence, city, search_name, created_at, pgh_context_id,
                pgh_obj_id, referent_id, follow_up_since, held_at, held_by_id, hold_reason)
            SELECT created_at, 'insert', id, NULL, last_name, first_names, birth_date, phone,
                no_mobile_phone, refuses_sms, appi_number, residence, city, search_name,
                created_at, NULL, id, referent_id, NULL, NULL, NULL, ''
            FROM people_person ORDER BY id
            """,
        )
        step(
            "appointment_audit",
            """
            INSERT INTO scheduling_appointmentaudit (pgh_created_at, pgh_label, id, starts_at,
                duration_minutes, state, notify_mode, case_numbers, state_changed_at,
                created_at, agenda_id, appointment_type_id, assigned_agent_id, booked_by_id,
                person_id, pgh_context_id, pgh_obj_id, place_id, replaces_id, slot_id)
            SELECT created_at, 'insert', id, starts_at, duration_minutes, 'booked',
                notify_mode, case_numbers, NULL, created_at, agenda_id, appointment_type_id,
                assigned_agent_id, booked_by_id, person_id, NULL, id, place_id, NULL, NULL
            FROM scheduling_appointment ORDER BY id
            """,
        )
        for table in (
            "people_person",
            "scheduling_appointment",
            "scheduling_appointmentevent",
            "notifications_message",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    assert per_person >= 1
    return steps


def jurisdiction() -> Jurisdiction:
    return Jurisdiction.objects.get(slug=SLUG)


def describe(target) -> dict:
    """Counts of the copy, through the job's own queries (what it will find due)."""
    now = timezone.now()
    rules = runs.current_rules()
    with tenant_context(target), connection.cursor() as cursor:
        counts = {}
        for name, table in (
            ("people", "people_person"),
            ("appointments", "scheduling_appointment"),
            ("appointment_events", "scheduling_appointmentevent"),
            ("sms", "notifications_message"),
            ("sms_attempts", "notifications_attempt"),
            ("person_audit", "people_personaudit"),
            ("appointment_audit", "scheduling_appointmentaudit"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[name] = cursor.fetchone()[0]
        counts["due_for_erasure"] = retention.erasable(now, rules).count()
        counts["due_for_archiving"] = retention.archivable(now, rules).count()
        counts["held"] = Person.objects.held().count()
        from jurisdiction_apps.notifications.retention import messages_to_redact

        counts["sms_due_for_redaction"] = messages_to_redact(
            rules[Category.SMS_TEXTS].cutoff(now)
        ).count()
    return counts


# --- agents ---------------------------------------------------------------------------------
def agent_main(index: int, workdir: Path) -> None:
    """One agent (its own process): books for active people until told to stop; writes
    (start time, milliseconds) of each booking."""
    from saas_platform.celery import app

    app.conf.task_default_queue = AGENT_QUEUE
    rng = random.Random(index)
    user = get_user_model().objects.get(email=agent_email(index))
    target = jurisdiction()
    with tenant_context(target):
        kind = AppointmentType.objects.get(code="rdv-telephonique")
        place = Place.objects.get(kind="phone")
        # Active people only (not archived, nothing due), a share of them for each agent.
        candidates = [
            i
            for i in range(1, PEOPLE + 1)
            if i % 5 and i % 20 not in (1, 3) and (i // 20) % AGENTS == index
        ][::5]
        zone = target.zone
        go, stop = workdir / "go", workdir / "stop"
        (workdir / f"ready-{index}").touch()
        while not go.exists():
            time.sleep(0.05)
        samples = []
        while not stop.exists():
            person_id = rng.choice(candidates)
            day = timezone.localdate(timezone=zone) + timedelta(days=rng.randint(2, 60))
            while day.weekday() >= 5:
                day += timedelta(days=1)
            starts_at = datetime(
                day.year,
                day.month,
                day.day,
                rng.randint(9, 16),
                15 * rng.randint(0, 3),
                tzinfo=zone,
            )
            began_wall, began = time.time(), time.perf_counter()
            person = Person.objects.get(pk=person_id)
            book(
                BookingRequest(
                    person=person, appointment_type=kind, place=place, starts_at=starts_at
                ),
                acting_user=user,
            )
            samples.append((began_wall, (time.perf_counter() - began) * 1000))
            time.sleep(THINK_MS / 1000 * rng.uniform(0.5, 1.5))
    (workdir / f"agent-{index}.json").write_text(json.dumps(samples[WARM_UP_BOOKINGS:]))


def start_agents(workdir: Path) -> list[subprocess.Popen]:
    processes = []
    for index in range(AGENTS):
        log = (workdir / f"agent-{index}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [sys.executable, __file__, "--agent", str(index), str(workdir)],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + 120
    while not all((workdir / f"ready-{index}").exists() for index in range(AGENTS)):
        if any(process.poll() is not None for process in processes) or time.monotonic() > deadline:
            for index in range(AGENTS):
                print((workdir / f"agent-{index}.log").read_text()[-2000:])
            raise RuntimeError("an agent did not start")
        time.sleep(0.2)
    return processes


def stop_agents(workdir: Path, processes) -> list[tuple[float, float]]:
    (workdir / "stop").touch()
    samples = []
    for index, process in enumerate(processes):
        process.wait(timeout=120)
        result = workdir / f"agent-{index}.json"
        if process.returncode or not result.exists():
            print((workdir / f"agent-{index}.log").read_text()[-3000:])
            raise RuntimeError(f"agent {index} failed")
        samples += [tuple(sample) for sample in json.loads(result.read_text())]
    return samples


def latency(samples, start: float, end: float) -> dict:
    values = [ms for at, ms in samples if start <= at < end]
    return {
        "bookings": len(values),
        "p50_ms": round(percentile(values, 0.50), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values, default=0.0), 1),
    }


def measure_job() -> dict:
    """(a) bookings alone, then (b) bookings while the nightly job runs, on a fresh copy."""
    figures = {"copy_s": round(copy_base(), 1)}
    target = jurisdiction()
    figures["data"] = describe(target)
    print(f"data: {json.dumps(figures['data'])}", flush=True)
    figures["host_cpu_busy_before_pct"] = host_cpu_busy()
    with tempfile.TemporaryDirectory(prefix="bench-retention-") as tmp:
        workdir = Path(tmp)
        processes = start_agents(workdir)
        try:
            (workdir / "go").touch()
            time.sleep(WARM_UP_SECONDS)
            quiet_start = time.time()
            time.sleep(QUIET_SECONDS)
            job_start = time.time()
            print(f"{AGENTS} agents booking; the job starts", flush=True)
            with tenant_context(target):
                outcome = retention.run()
            job_end = time.time()
        finally:
            samples = stop_agents(workdir, processes)
    run = outcome.run
    figures["job"] = {
        "seconds": round(run.seconds, 1),
        "wall_seconds": round(job_end - job_start, 1),
        "longest_transaction_ms": run.longest_transaction_ms,
        "state": run.state,
        "counts": outcome.counts,
        "pause_ratio": settings.RETENTION_PAUSE_RATIO,
    }
    figures["bookings_without_job"] = latency(samples, quiet_start, job_start)
    figures["bookings_with_job"] = latency(samples, job_start, job_end)
    without = figures["bookings_without_job"]["p95_ms"]
    figures["booking_p95_ratio"] = (
        round(figures["bookings_with_job"]["p95_ms"] / without, 2) if without else None
    )
    with tenant_context(target):
        after = retention.run(dry_run=True)
        figures["second_run_dry_counts"] = {k: v for k, v in after.counts.items() if v}
        figures["held_left"] = Person.objects.held().count()
        figures["people_left"] = Person.objects.count()
    figures["host_cpu_busy_after_pct"] = host_cpu_busy()
    return figures


# --- baseline -------------------------------------------------------------------------------
def naive_delete(ids: list[int]) -> dict:
    """What one would write first with the ORM, in one transaction: a person's appointments
    PROTECT them, so these go first (the ORM cascades to their events and SMS), then the people
    (cascading to the rest). The audit triggers fire (no ``pgtrigger.ignore``)."""
    started = time.perf_counter()
    with transaction.atomic():
        _, appointments = Appointment.objects.filter(person_id__in=ids).delete()
        _, people = Person.objects.filter(pk__in=ids).delete()
    seconds = time.perf_counter() - started
    rows = sum(appointments.values()) + sum(people.values())
    return {"people": len(ids), "seconds": round(seconds, 2), "rows": rows}


def measure_naive() -> dict:
    """(c) The naive delete, one transaction per set, on a fresh copy: disjoint subsets of the
    due set, then the whole set on another copy (when the subsets predict it short enough)."""
    figures = {"copy_s": round(copy_base(), 1), "subsets": []}
    target = jurisdiction()
    now = timezone.now()
    with tenant_context(target):
        due = list(
            retention.erasable(now, runs.current_rules())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        figures["due"] = len(due)
        position = 0
        for size in NAIVE_SUBSETS:
            subset = due[position : position + size]
            position += size
            result = naive_delete(subset)
            figures["subsets"].append(result)
            print(f"  naive delete of {size} people: {result['seconds']} s", flush=True)
    largest = figures["subsets"][-1]
    rate = largest["seconds"] / largest["people"]
    figures["seconds_per_person"] = round(rate, 4)
    figures["full_seconds_linear_lower_bound"] = round(rate * figures["due"], 1)
    if len(figures["subsets"]) >= 2:
        before = figures["subsets"][-2]
        exponent = math.log(largest["seconds"] / before["seconds"]) / math.log(
            largest["people"] / before["people"]
        )
        figures["growth_exponent"] = round(exponent, 2)
        figures["full_seconds_power_fit"] = round(
            largest["seconds"] * (figures["due"] / largest["people"]) ** exponent, 1
        )
    if figures["full_seconds_linear_lower_bound"] <= NAIVE_FULL_MAX_S:
        copy_base()
        with tenant_context(jurisdiction()):
            whole = naive_delete(
                list(retention.erasable(now, runs.current_rules()).values_list("pk", flat=True))
            )
            figures["full_seconds"] = whole["seconds"]
        print(f"  naive delete of the whole set: {figures['full_seconds']} s", flush=True)
    return figures


def empty_agent_queue() -> None:
    import redis

    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(settings.REDIS_URL).delete(AGENT_QUEUE)


# --- main -----------------------------------------------------------------------------------
def main() -> None:
    started = time.perf_counter()
    figures = {"dataset": base_version()}
    if base_is_current():
        print(f"base database {BASE_DATABASE} is current", flush=True)
    else:
        print(f"building {BASE_DATABASE} ({base_version()})…", flush=True)
        figures["build"] = build_base()
        print(f"built: {json.dumps(figures['build'])}", flush=True)
    try:
        print("(a) + (b): bookings without, then with the nightly job", flush=True)
        if os.environ.get("BENCH_ONLY") != "naive":  # BENCH_ONLY=naive: the baseline alone
            figures.update(measure_job())
            print(f"job figures: {json.dumps(figures)}", flush=True)
        print("(c) naive delete", flush=True)
        figures["naive_delete"] = measure_naive()
        if "job" not in figures:
            print(json.dumps(figures["naive_delete"]))
            return
    finally:
        empty_agent_queue()
        if not KEEP:
            drop_database(RUN_DATABASE)
        if DROP_BASE:
            drop_database(BASE_DATABASE)
    job = figures["job"]
    naive = figures["naive_delete"]
    figures.update(
        {
            "job_seconds": job["seconds"],
            "longest_transaction_ms": job["longest_transaction_ms"],
            "naive_longest_lock_s": max(subset["seconds"] for subset in naive["subsets"]),
            "naive_full_seconds": naive.get("full_seconds"),
            "naive_full_seconds_linear_lower_bound": naive["full_seconds_linear_lower_bound"],
            "naive_full_seconds_power_fit": naive.get("full_seconds_power_fit"),
            "agents": AGENTS,
            "think_ms": THINK_MS,
            "batch_sizes": {"erase": retention.ERASE_BATCH, "other": BATCH_SIZE},
            "cpus": os.cpu_count(),
            "bench_seconds": round(time.perf_counter() - started),
        }
    )
    print()
    print(
        f"job: {job['seconds']} s, longest transaction {job['longest_transaction_ms']} ms, "
        f"counts {json.dumps({k: v for k, v in job['counts'].items() if v})}"
    )
    print(
        f"bookings p95: {figures['bookings_without_job']['p95_ms']} ms without the job, "
        f"{figures['bookings_with_job']['p95_ms']} ms with it "
        f"(ratio {figures['booking_p95_ratio']})"
    )
    print(
        f"naive delete: {naive['subsets']}; whole set of {naive['due']} people in one "
        f"transaction: measured {naive.get('full_seconds')} s, at least "
        f"{naive['full_seconds_linear_lower_bound']} s (linear extrapolation), about "
        f"{naive.get('full_seconds_power_fit')} s (power fit)"
    )
    busy = max(figures["host_cpu_busy_before_pct"] or 0, figures["host_cpu_busy_after_pct"] or 0)
    if busy > 15:
        print(f"WARNING: other processes used {busy} % of the CPU while idle: figures are noisy")
    met = (
        job["state"] == "done"
        and job["seconds"] <= GOAL_JOB_SECONDS
        and figures["booking_p95_ratio"] is not None
        and figures["booking_p95_ratio"] <= GOAL_P95_RATIO
        and job["longest_transaction_ms"] < GOAL_LONGEST_TRANSACTION_MS
        and not figures["second_run_dry_counts"]
    )
    goals = {
        "job_seconds_max": GOAL_JOB_SECONDS,
        "booking_p95_ratio_max": GOAL_P95_RATIO,
        "longest_transaction_ms_max": GOAL_LONGEST_TRANSACTION_MS,
    }
    print(json.dumps({"bench": "retention", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--agent":
        agent_main(int(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:] == ["--build-only"]:
        print(json.dumps(build_base() if not base_is_current() else {"current": True}))
    else:
        main()
