"""National scale: 300 jurisdictions on one platform. Measured at 10 jurisdictions, then at 300,
in the same run (issue 21):

1. creation of the next jurisdiction (``create_jurisdiction``, the product's path: a clone of the
   template schema), BENCH_SCALE_CREATIONS times, median and max;
2. idle background work: a Celery worker (prefork, concurrency 2, as `make run`) and beat (the
   periodic tasks of ``sync_periodic_tasks``, default intervals) run with every jurisdiction live
   and nothing due; after the start-up work is done (the broker queue empty for 10 s), their CPU
   time over BENCH_SCALE_IDLE_SECONDS (300), in % of one core (PostgreSQL's beside it);
3. one SMS due in one jurisdiction among them: a reminder due at the next minute boundary, with
   the same worker and beat; its hand-over delay (``sent_at`` - due time, the local gateway
   answering);
4. the migration pass of "the next release" (bench/scale_probe/: a column, a concurrent index
   and a batched data migration on ``scheduling_appointment``, the largest table of the load):
   ``manage.py deploy_migrations`` (tenants/deploy.py) in a subprocess with the release's
   settings; its wall time; meanwhile a sampler reads ``pg_locks`` every 50 ms and reports the
   longest time a deploy process held a lock that blocks writes (Share and stronger) on a table
   of a jurisdiction schema, and a probe plays an agent (a short read-and-update transaction on
   the migrated table, every 20 ms, in a schema being migrated when there is one): its max and
   p99 latency and its errors. At 10 the release is then rolled back, so that the 300 deploy it
   again.

The jurisdictions: the first one is created by the product's path and loaded with a year of
activity by bench/stats.py's generator (BENCH_PEOPLE 150 people, BENCH_APPOINTMENTS 1,500
appointments with their events and SMS); the others are copies of its schema, data included
(``tenants.cloning.clone_schema``), each with its public row and domain, all live, quiet hours off.
SMS still to send are pushed a day ahead: nothing is due during the idle window.

The run uses a database of its own (BENCH_SMS_DATABASE, default ``justice_bench_scale``, next
to DATABASE_URL's, dropped at the start and at the end unless BENCH_SCALE_KEEP=1), a Redis server
of its own and the local SMS gateway (bench/sms.py's process helpers). It takes about 25 minutes on
2 cores. Run with `make bench-scale`; the last line printed is one JSON object.

Environment (optional): BENCH_SCALE_JURISDICTIONS (300), BENCH_SCALE_SMALL (10),
BENCH_SCALE_IDLE_SECONDS (300), BENCH_SCALE_CREATIONS (3), BENCH_SCALE_KEEP=1.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("BENCH_SMS_DATABASE", "justice_bench_scale")
os.environ.setdefault("BENCH_PEOPLE", "150")
os.environ.setdefault("BENCH_APPOINTMENTS", "1500")

import sms as stack  # noqa: E402  (bench/sms.py: database, Redis, gateway, processes; Django set up)
import stats as year  # noqa: E402  (bench/stats.py: a year of one jurisdiction's activity)
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402
from figures import host_cpu_busy, percentile  # noqa: E402  (bench/figures.py)

from jurisdiction_apps.notifications.bulk import make_due_reminders  # noqa: E402
from jurisdiction_apps.notifications.models import Message  # noqa: E402
from tenants.constants import JurisdictionStatus  # noqa: E402
from tenants.models import Domain, Jurisdiction  # noqa: E402
from tenants.services import (  # noqa: E402
    JurisdictionSpec,
    create_jurisdiction,
    default_domain_for,
    schema_name_for,
)

SCALE = int(os.environ.get("BENCH_SCALE_JURISDICTIONS", "300"))
SMALL = int(os.environ.get("BENCH_SCALE_SMALL", "10"))
IDLE_SECONDS = float(os.environ.get("BENCH_SCALE_IDLE_SECONDS", "300"))
CREATIONS = int(os.environ.get("BENCH_SCALE_CREATIONS", "3"))
KEEP = os.environ.get("BENCH_SCALE_KEEP") == "1"

GOALS = {
    "create_next_at_scale_s": 3.0,
    "create_next_ratio_scale_vs_small": 1.5,
    "migration_pass_at_scale_s": 300.0,
    "longest_blocking_lock_s": 1.0,
    "idle_cpu_at_scale_pct_of_one_core": 10.0,
    "sms_handover_at_scale_s": 60.0,
}
PROBE_TABLE = "scheduling_appointment"
# Locks that stop an agent's writes (Share and stronger).
BLOCKING_MODES = (
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)


def bench_conninfo() -> str:
    """The bench database, for the sampler's and the probe's own connections."""
    import psycopg

    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        application_name="bench-scale",
    )


def say(text: str) -> None:
    print(text, flush=True)


# --- jurisdictions ----------------------------------------------------------------------------
def slug_of(index: int) -> str:
    return f"scale-{index:03d}"


def quiet_hours_off(queryset) -> None:
    # start = end: no quiet hours, a run at night measures the platform, not the night rule
    queryset.update(sms_quiet_start=clock(0, 0), sms_quiet_end=clock(0, 0))


def create_seed() -> Jurisdiction:
    seed, _ = create_jurisdiction(
        JurisdictionSpec(
            slug=slug_of(0),
            name="Échelle 000",
            tj_name="Tribunal judiciaire — Échelle 000",
            spip_name="SPIP — Échelle 000",
            status=JurisdictionStatus.LIVE,
        )
    )
    year.load(seed, 0)
    with tenant_context(seed):
        # Nothing due while the platform is watched at rest.
        Message.objects.filter(
            state="created", due_at__lt=timezone.now() + timedelta(hours=3)
        ).update(due_at=timezone.now() + timedelta(days=1))
    connection.set_schema_to_public()
    quiet_hours_off(Jurisdiction.objects.filter(pk=seed.pk))
    return seed


def copy_of_seed(seed: Jurisdiction, index: int) -> Jurisdiction:
    from tenants.cloning import clone_schema

    slug = slug_of(index)
    with transaction.atomic():
        jurisdiction = Jurisdiction.objects.create(
            schema_name=schema_name_for(slug),
            slug=slug,
            name=f"Échelle {index:03d}",
            status=JurisdictionStatus.LIVE,
            went_live_at=timezone.now(),
            time_zone=seed.time_zone,
            sms_quiet_start=clock(0, 0),
            sms_quiet_end=clock(0, 0),
        )
        Domain.objects.create(domain=default_domain_for(slug), tenant=jurisdiction, is_primary=True)
        clone_schema(seed.schema_name, jurisdiction.schema_name, with_data=True)
    connection.set_schema_to_public()
    return jurisdiction


def grow_to(seed: Jurisdiction, count: int) -> float:
    started = time.perf_counter()
    have = Jurisdiction.objects.filter(slug__startswith="scale-").count()
    for index in range(have, count):
        copy_of_seed(seed, index)
        if (index + 1) % 50 == 0:
            say(f"  {index + 1} jurisdictions ({time.perf_counter() - started:.0f} s)")
    return time.perf_counter() - started


def live_jurisdictions() -> list[Jurisdiction]:
    return list(Jurisdiction.objects.filter(slug__startswith="scale-").order_by("slug"))


# --- 1. creation of the next one ------------------------------------------------------------------
def next_creations(label: str) -> dict:
    """Each creation on a fresh connection, as the product's paths run it (a command is a new
    process; Celery closes connections older than CONN_MAX_AGE between tasks), after a
    CHECKPOINT: the burst of schemas just built leaves the server flushing (ADR 0021)."""
    times = []
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    for run in range(CREATIONS):
        connections.close_all()
        slug = f"next-{label}-{run}"
        started = time.perf_counter()
        jurisdiction, _ = create_jurisdiction(JurisdictionSpec(slug=slug, name=f"Suivante {run}"))
        times.append(time.perf_counter() - started)
        jurisdiction.delete(force_drop=True)
    connection.set_schema_to_public()
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


# --- 2 and 3. background work -------------------------------------------------------------------
def broker_queue_length() -> int:
    import redis

    client = redis.Redis(unix_socket_path=str(stack.REDIS_SOCKET))
    try:
        return int(client.llen("celery"))
    finally:
        client.close()


def start_background(processes: stack.Processes) -> None:
    call_command("sync_periodic_tasks", verbosity=0)
    env = stack.worker_env()
    stack.start_worker(processes, "worker", env, pool="prefork", concurrency=2)
    stack.start_beat(processes, env)
    stack.wait_for_workers(processes, ["worker"])


def settle(processes: stack.Processes, quiet_for: float = 10.0, limit: float = 900.0) -> float:
    """Wait until the start-up work is done: the broker queue empty for ``quiet_for`` seconds."""
    started = time.monotonic()
    empty_since = None
    while time.monotonic() - started < limit:
        if not (processes.alive("worker") and processes.alive("beat")):
            raise RuntimeError(f"worker or beat stopped:\n{processes.tail('worker')}")
        if broker_queue_length() == 0:
            empty_since = empty_since or time.monotonic()
            if time.monotonic() - empty_since >= quiet_for:
                break
        else:
            empty_since = None
        time.sleep(0.5)
    return time.monotonic() - started


def idle_cpu(processes: stack.Processes) -> dict:
    before = stack.cpu_seconds(processes)
    started = time.monotonic()
    time.sleep(IDLE_SECONDS)
    seconds = time.monotonic() - started
    after = stack.cpu_seconds(processes)

    def share(part: str) -> float:
        return round(100 * (after.get(part, 0.0) - before.get(part, 0.0)) / seconds, 2)

    return {
        "window_s": round(seconds),
        "worker_pct": share("worker"),
        "beat_pct": share("beat"),
        "worker_and_beat_pct": round(share("worker") + share("beat"), 2),
        "postgres_pct": share("postgres"),
    }


def one_sms_due(jurisdiction: Jurisdiction, phone_offset: int) -> dict:
    now = timezone.now()
    due_at = (now + timedelta(seconds=75)).replace(second=0, microsecond=0)
    with tenant_context(jurisdiction):
        (message_id,) = make_due_reminders(1, due_at, phone_offset=phone_offset)
    connection.set_schema_to_public()
    deadline = due_at + timedelta(seconds=240)
    row = None
    while timezone.now() < deadline:
        with tenant_context(jurisdiction):
            row = Message.objects.filter(pk=message_id).values("state", "sent_at").get()
        if row["sent_at"] is not None:
            break
        time.sleep(0.5)
    connection.set_schema_to_public()
    sent_at = row["sent_at"] if row else None
    return {
        "state": row["state"] if row else None,
        "handover_s": round((sent_at - due_at).total_seconds(), 2) if sent_at else None,
    }


# --- 4. the migration pass ------------------------------------------------------------------------
class LockSampler(threading.Thread):
    """Every 50 ms: which blocking locks deploy processes hold on jurisdiction tables."""

    SQL = """
        SELECT l.pid, n.nspname, c.relname, l.mode
        FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
        JOIN pg_class c ON c.oid = l.relation
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE l.granted AND l.locktype = 'relation' AND a.application_name LIKE 'deploy:%%'
          AND n.nspname LIKE 'j\\_%%' AND c.relkind IN ('r', 'p') AND l.mode = ANY(%s)
    """
    ACTIVE = "SELECT substr(application_name, 8) FROM pg_stat_activity " + (
        "WHERE application_name LIKE 'deploy:%%' AND state <> 'idle'"
    )

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.first_seen: dict[tuple, float] = {}
        self.longest = (0.0, None)
        self.migrating: list[str] = []
        self.samples = 0

    def run(self):
        import psycopg

        with psycopg.connect(bench_conninfo(), autocommit=True) as db:
            while not self.stop.is_set():
                now = time.monotonic()
                held = {
                    (pid, schema, table, mode)
                    for pid, schema, table, mode in db.execute(self.SQL, [list(BLOCKING_MODES)])
                }
                self.migrating = [row[0] for row in db.execute(self.ACTIVE)]
                for key in held:
                    self.first_seen.setdefault(key, now)
                for key in list(self.first_seen):
                    if key not in held:
                        started = self.first_seen.pop(key)
                        self._record(key, now - started)
                self.samples += 1
                time.sleep(0.05)
            now = time.monotonic()
            for key, started in self.first_seen.items():
                self._record(key, now - started)

    def _record(self, key, seconds):
        if seconds > self.longest[0]:
            self.longest = (seconds, f"{key[3]} on {key[2]}")


class AgentProbe(threading.Thread):
    """An agent working during the deploy: a read and an update of one appointment, every 20 ms,
    in a schema being migrated when there is one (else any)."""

    def __init__(self, schemas: list[str], sampler: LockSampler):
        super().__init__(daemon=True)
        self.schemas = schemas
        self.sampler = sampler
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.errors = 0

    def run(self):
        import psycopg

        pick = random.Random(21)
        with psycopg.connect(bench_conninfo(), autocommit=True) as db:
            while not self.stop.is_set():
                migrating = list(self.sampler.migrating)
                schema = pick.choice(migrating or self.schemas)
                started = time.monotonic()
                try:
                    with db.transaction():
                        row = db.execute(
                            f'SELECT id FROM "{schema}".{PROBE_TABLE} ORDER BY id LIMIT 1'
                        ).fetchone()
                        if row:
                            db.execute(
                                f'UPDATE "{schema}".{PROBE_TABLE} SET state = state WHERE id = %s',
                                [row[0]],
                            )
                    self.latencies.append(time.monotonic() - started)
                except psycopg.Error:
                    self.errors += 1
                time.sleep(0.02)


def release_env() -> dict:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "scale_probe_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(stack.ROOT)])
    return env


def migration_pass(schemas: list[str]) -> dict:
    sampler = LockSampler()
    probe = AgentProbe(schemas, sampler)
    sampler.start()
    probe.start()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "deploy_migrations", "--no-shared", "-v", "0"],
        cwd=stack.ROOT,
        env=release_env(),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    probe.stop.set()
    sampler.stop.set()
    probe.join()
    sampler.join()
    if result.returncode != 0:
        say(result.stdout[-3000:] + result.stderr[-3000:])
    held, what = sampler.longest
    return {
        "ok": result.returncode == 0,
        "schemas": len(schemas),
        "wall_s": round(seconds, 1),
        "summary": (result.stdout.strip().splitlines() or [""])[-1],
        "longest_blocking_lock_s": round(held, 3),
        "longest_lock": what,
        "lock_samples": sampler.samples,
        "agent_probe_max_ms": round(1000 * max(probe.latencies, default=0.0), 1),
        "agent_probe_p99_ms": round(1000 * percentile(probe.latencies, 0.99), 1),
        "agent_probe_count": len(probe.latencies),
        "agent_probe_errors": probe.errors,
    }


def roll_back_release() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "scale_probe", "zero", "-v", "0"],
        cwd=stack.ROOT,
        env=release_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


# --- a phase ------------------------------------------------------------------------------------
def phase(label: str, processes: stack.Processes) -> dict:
    jurisdictions = live_jurisdictions()
    say(f"== {len(jurisdictions)} jurisdictions ==")
    figures: dict = {"jurisdictions": len(jurisdictions)}
    figures["create_next"] = next_creations(label)
    say(f"  creation of the next one: {figures['create_next']}")

    start_background(processes)
    try:
        figures["startup_work_s"] = round(settle(processes), 1)
        say(f"  start-up work done in {figures['startup_work_s']} s; idle for {IDLE_SECONDS:.0f} s")
        figures["idle"] = idle_cpu(processes)
        say(f"  idle: {figures['idle']}")
        target = jurisdictions[len(jurisdictions) // 2]
        # A phone of its own per phase: a small run may pick the same jurisdiction twice.
        figures["one_sms_due"] = one_sms_due(target, 900_000 + len(jurisdictions))
        say(f"  one SMS due: {figures['one_sms_due']}")
    finally:
        processes.stop("beat")
        processes.stop("worker")

    figures["migration"] = migration_pass([j.schema_name for j in jurisdictions])
    say(f"  migration pass: {figures['migration']}")
    return figures


def main() -> None:
    stack._stop_on_sigterm()
    busy = host_cpu_busy()
    say(f"database {stack.BENCH_DATABASE}: recreated in {stack.recreate_database():.1f} s")
    started = time.perf_counter()
    with stack.Processes() as processes:
        stack.start_redis(processes)
        stack.start_gateway(processes)
        try:
            seed = create_seed()
            say(f"seed jurisdiction loaded in {time.perf_counter() - started:.1f} s")
            built_small = grow_to(seed, SMALL)
            small = phase("small", processes)
            roll_back_release()
            built_scale = grow_to(seed, SCALE)
            say(f"{SCALE} jurisdictions built ({built_scale:.0f} s)")
            scale = phase("scale", processes)
        finally:
            processes.stop_all()
            if not KEEP:
                stack.drop_database()

    ratio = scale["create_next"]["max_s"] / small["create_next"]["median_s"]
    figures = {
        "small": small,
        "scale": scale,
        "create_next_ratio_scale_vs_small": round(ratio, 2),
        "build_s": {"small": round(built_small, 1), "scale": round(built_scale, 1)},
        "total_s": round(time.perf_counter() - started),
        "host_cpu_busy_before_pct": busy,
    }
    checks = {
        "create_next_at_scale_s": scale["create_next"]["max_s"],
        "create_next_ratio_scale_vs_small": ratio,
        "migration_pass_at_scale_s": scale["migration"]["wall_s"]
        if scale["migration"]["ok"]
        else float("inf"),
        "longest_blocking_lock_s": max(
            small["migration"]["longest_blocking_lock_s"],
            scale["migration"]["longest_blocking_lock_s"],
        ),
        "idle_cpu_at_scale_pct_of_one_core": scale["idle"]["worker_and_beat_pct"],
        "sms_handover_at_scale_s": scale["one_sms_due"]["handover_s"]
        if scale["one_sms_due"]["handover_s"] is not None
        else float("inf"),
    }
    met = all(checks[name] <= goal for name, goal in GOALS.items())
    say("checks: " + json.dumps({k: round(v, 3) for k, v in checks.items()}))
    print(json.dumps({"bench": "scale", "figures": figures, "goals": GOALS, "met": met}))


if __name__ == "__main__":
    main()
