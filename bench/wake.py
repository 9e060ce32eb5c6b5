"""Periodic work with many idle jurisdictions: the CPU of a Celery worker and beat, and the time
of the "who has work" queries, old fan-out (one task per live jurisdiction per tick) against the
dispatchers of docs/adr/0019 (one query, tasks only where there is work), in the same run.

Run with `make bench-wake`. The last line printed is one JSON object.

What runs: a Redis of its own, one Celery worker (prefork, concurrency 2) and one beat
(DatabaseScheduler), with the helpers of bench/sms.py. The database (BENCH_WAKE_DATABASE,
default `justice_bench_wake`, next to DATABASE_URL's) is KEPT between runs: creating 300
jurisdictions takes minutes (tenants/services.py), so a run creates only the live jurisdictions
missing (slugs `idle-000`...) and never drops it.

Phases:
1. Finder query times (median, p95 of 20) for the SMS sweep, slot generation and statistics at
   10 and at every live jurisdiction, and the SMS query's planning/execution (EXPLAIN ANALYZE);
   one message due in one jurisdiction: only that one is found.
2. For each schedule, old then new, for BENCH_WAKE_SECONDS (300): worker and beat started fresh,
   every entry marked as just run (the heartbeat half an interval ago, so it fires once in the
   window), CPU seconds of worker and beat read from /proc over the window: the idle steady state
   of the sweep and the heartbeat. Then one statistics tick and one slot tick are sent and timed
   until the worker is idle (new: the statistics twice, the first one catches up on never-refreshed
   jurisdictions; the second is the steady state); their CPU is spread over their interval.

Goal (issue 21): worker + beat under 10 % of one core with 300 live idle jurisdictions.
Environment: BENCH_WAKE_JURISDICTIONS (300), BENCH_WAKE_SECONDS (300).
"""

import io
import json
import os
import sys
import time
from datetime import time as clock
from datetime import timedelta

os.environ.setdefault(
    "BENCH_SMS_DATABASE", os.environ.get("BENCH_WAKE_DATABASE", "justice_bench_wake")
)
sys.path.insert(0, os.path.dirname(__file__))

import psycopg
from psycopg import sql
from sms import (
    BENCH_DATABASE,
    Processes,
    _admin_conninfo,
    _stop_on_sigterm,
    cpu_seconds,
    start_beat,
    start_gateway,
    start_redis,
    start_worker,
    wait_for_workers,
    worker_env,
)

# isort: split
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_tenants.utils import tenant_context
from figures import host_cpu_busy, percentile

from jurisdiction_apps.notifications.constants import PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.notifications.wake import SWEEP_WORK
from jurisdiction_apps.people.models import Person
from saas_platform.celery import app
from tenants import wake
from tenants.constants import JurisdictionStatus
from tenants.models import Jurisdiction
from tenants.services import JurisdictionSpec, create_jurisdiction, ensure_public_tenant

COUNT = int(os.environ.get("BENCH_WAKE_JURISDICTIONS", "300"))
SECONDS = float(os.environ.get("BENCH_WAKE_SECONDS", "300"))
GOAL_CPU_PERCENT = 10.0
GOAL_DELAY_S = 60.0
SWEEP, SLOTS, STATS = (
    "jurisdiction.sms_sweep",
    "jurisdiction.generate_slots",
    "jurisdiction.refresh_statistics",
)
# The schedule before docs/adr/0019: every entry fanned out to every jurisdiction of its scope.
OLD = {
    "Battement de chaque juridiction": (
        "platform.run_in_live_jurisdictions",
        "jurisdiction.heartbeat",
    ),
    "Génération des créneaux": ("platform.run_in_live_jurisdictions", SLOTS),
    "Envoi des SMS dus": ("platform.run_in_live_jurisdictions", SWEEP),
    "Statistiques nationales": ("platform.run_in_every_jurisdiction", STATS),
}


def log(text: str) -> None:
    print(text, flush=True)


def prepare() -> float:
    started = time.perf_counter()
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if not exists.fetchone():
            admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    live = Jurisdiction.objects.live().count()
    index = 0
    while live < COUNT:
        slug = f"idle-{index:03d}"
        index += 1
        if Jurisdiction.objects.filter(slug=slug).exists():
            continue
        create_jurisdiction(
            JurisdictionSpec(slug=slug, name=f"Veille {index}", status=JurisdictionStatus.LIVE)
        )
        live += 1
        if live % 25 == 0:
            log(f"  {live} live jurisdictions")
    connection.set_schema_to_public()
    return time.perf_counter() - started


def timed(finder, scope, runs=20) -> dict:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        finder(scope, timezone.now())
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(percentile(times, 0.5), 1), "p95_ms": round(percentile(times, 0.95), 1)}


def finder_figures(live) -> dict:
    figures = {}
    everyone = list(Jurisdiction.objects.tenants().values_list("pk", "schema_name"))
    for size in (10, len(live)):
        for name, scope in ((SWEEP, live), (SLOTS, live), (STATS, everyone)):
            figures[f"{name.split('.')[1]}_{size}"] = timed(wake.finder_for(name), scope[:size])
    query = sql.SQL(" UNION ALL ").join(wake._branch(j, s, SWEEP_WORK.condition) for j, s in live)
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(
                sql.SQL("EXPLAIN (ANALYZE, SUMMARY) ") + query, SWEEP_WORK.params(timezone.now())
            )
            lines = [row[0] for row in cursor.fetchall()]
    figures["sms_sweep_plan"] = {
        line.split(":")[0]: float(line.split(":")[1].split()[0]) for line in lines[-2:]
    }
    # One due message in one jurisdiction among all of them.
    target = Jurisdiction.objects.live().order_by("pk").last()
    with tenant_context(target):
        Person.objects.filter(last_name="VEILLE").delete()  # left by an aborted run
        person = Person.objects.create(
            last_name="VEILLE", first_names="Test", birth_date="1990-01-01", phone="+33612345678"
        )
        message = Message.objects.create(
            person=person, kind=PortalSmsKind.INVITATION, text="Banc", due_at=timezone.now()
        )
    found = wake.finder_for(SWEEP)(live, timezone.now())
    with tenant_context(target):
        message.delete()
        person.delete()
    connection.set_schema_to_public()
    figures["due_found_only_there"] = found == {target.pk}
    return figures


def write_schedule(mode: str) -> None:
    if mode == "new":
        call_command("sync_periodic_tasks", stdout=io.StringIO())
    else:
        call_command("sync_periodic_tasks", stdout=io.StringIO())
        for name, (task, args) in OLD.items():
            PeriodicTask.objects.filter(name=name).update(task=task, args=json.dumps([args]))
    now = timezone.now()
    PeriodicTask.objects.update(last_run_at=now, enabled=True)
    heartbeat = PeriodicTask.objects.get(name="Battement de chaque juridiction")
    heartbeat.last_run_at = now - timedelta(seconds=heartbeat.interval.every / 2)
    heartbeat.save(update_fields=["last_run_at"])
    PeriodicTask.objects.filter(name__startswith="Conservation").update(enabled=False)


def plant_due_message(target: Jurisdiction, due_in: float) -> tuple[int, object]:
    """One SMS due in ``target`` among the idle ones (no quiet hours: a night run measures the
    dispatch, not the night rule)."""
    Jurisdiction.objects.filter(pk=target.pk).update(
        sms_quiet_start=clock(0, 0), sms_quiet_end=clock(0, 0)
    )
    due_at = timezone.now() + timedelta(seconds=due_in)
    with tenant_context(target):
        Person.objects.filter(last_name="VEILLE").delete()  # left by an aborted run
        person = Person.objects.create(
            last_name="VEILLE", first_names="Test", birth_date="1990-01-01", phone="+33612345678"
        )
        message = Message.objects.create(
            person=person, kind=PortalSmsKind.INVITATION, text="Banc veille", due_at=due_at
        )
    connection.set_schema_to_public()
    return message.pk, due_at


def sent_delay(target: Jurisdiction, message_id: int, due_at) -> float | None:
    """Seconds from the due time to the hand-over; the message and its person are removed."""
    with tenant_context(target):
        message = Message.objects.get(pk=message_id)
        sent_at = message.sent_at
        message.person.delete()
    connection.set_schema_to_public()
    return round((sent_at - due_at).total_seconds(), 1) if sent_at else None


def worker_idle(processes: Processes, quiet: float = 3.0, timeout: float = 900) -> None:
    """Until the queue is empty and the worker used almost no CPU for ``quiet`` seconds."""
    broker = app.connection_for_write()
    deadline = time.monotonic() + timeout
    with broker.channel() as channel:
        while time.monotonic() < deadline:
            queued = channel.client.llen("celery")
            before = cpu_seconds(processes).get("worker", 0.0)
            time.sleep(quiet)
            if not queued and cpu_seconds(processes).get("worker", 0.0) - before < 0.05 * quiet:
                return
    broker.release()


def tick(processes: Processes, mode: str, name: str) -> dict:
    task = PeriodicTask.objects.get(name=name)
    before = cpu_seconds(processes)
    started = time.monotonic()
    app.send_task(task.task, args=json.loads(task.args))
    worker_idle(processes)
    after = cpu_seconds(processes)
    return {
        "cpu_s": round(after.get("worker", 0) - before.get("worker", 0), 2),
        "wall_s": round(time.monotonic() - started, 1),
    }


def run_mode(mode: str) -> dict:
    connection.set_schema_to_public()
    write_schedule(mode)
    with Processes() as processes:
        start_redis(processes)
        start_gateway(processes)
        start_worker(processes, "worker", worker_env(), concurrency=2)
        wait_for_workers(processes, ["worker"])
        start_beat(processes, worker_env(), schedule=f"beat-{mode}")
        time.sleep(15)  # start-up (imports, first schedule read) is not the steady state
        before, started = cpu_seconds(processes), time.monotonic()
        # Half-way, one reminder due 20 s later in the last jurisdiction: its delay is the
        # latency goal of docs/sms.md (no message more than 60 s late) among idle ones.
        time.sleep(SECONDS / 2)
        target = Jurisdiction.objects.live().order_by("pk").last()
        message_id, due_at = plant_due_message(target, 20)
        time.sleep(SECONDS / 2)
        after, elapsed = cpu_seconds(processes), time.monotonic() - started
        processes.stop("beat")
        worker_idle(processes)
        used = {part: after.get(part, 0) - before.get(part, 0) for part in ("worker", "beat")}
        figures = {
            "due_sms_sent_after_s": sent_delay(target, message_id, due_at),
            "window_s": round(elapsed),
            "worker_cpu_percent": round(100 * used["worker"] / elapsed, 2),
            "beat_cpu_percent": round(100 * used["beat"] / elapsed, 2),
        }
        stats = tick(processes, mode, "Statistiques nationales")
        if mode == "new":
            figures["statistics_first_tick"] = stats
            stats = tick(processes, mode, "Statistiques nationales")
        figures["statistics_tick"] = stats
        figures["slots_tick"] = tick(processes, mode, "Génération des créneaux")
        figures["statistics_cpu_percent"] = round(100 * stats["cpu_s"] / 3600, 3)
        figures["slots_cpu_percent"] = round(100 * figures["slots_tick"]["cpu_s"] / 86400, 4)
        if mode == "new":
            # One refresh a day per jurisdiction for the new local day (the old tick's cost).
            figures["statistics_daily_percent"] = None
        figures["total_cpu_percent"] = round(
            figures["worker_cpu_percent"]
            + figures["beat_cpu_percent"]
            + figures["statistics_cpu_percent"]
            + figures["slots_cpu_percent"],
            2,
        )
    return figures


def main() -> int:
    _stop_on_sigterm()
    log(f"database {BENCH_DATABASE}: {COUNT} live jurisdictions (kept between runs)")
    prepared = prepare()
    live = list(Jurisdiction.objects.live().order_by("pk").values_list("pk", "schema_name"))
    log(f"  ready in {prepared:.0f} s; host busy {host_cpu_busy()} %")
    finders = finder_figures(live)
    log(f"finders: {json.dumps(finders)}")
    old = run_mode("old")
    log(f"old fan-out: {json.dumps(old)}")
    new = run_mode("new")
    # The new day's refresh of every jurisdiction, once a day: the old statistics tick, daily.
    new["statistics_daily_percent"] = round(100 * old["statistics_tick"]["cpu_s"] / 86400, 3)
    new["total_cpu_percent"] = round(new["total_cpu_percent"] + new["statistics_daily_percent"], 2)
    log(f"new dispatch: {json.dumps(new)}")
    connection.set_schema_to_public()
    call_command("sync_periodic_tasks", stdout=io.StringIO())
    print(
        json.dumps(
            {
                "bench": "wake",
                "figures": {
                    "live_jurisdictions": len(live),
                    "host_busy_percent": host_cpu_busy(),
                    "finders": finders,
                    "old": old,
                    "new": new,
                },
                "goals": {
                    "worker_and_beat_cpu_percent_below": GOAL_CPU_PERCENT,
                    "due_sms_sent_within_s": GOAL_DELAY_S,
                },
                "met": new["total_cpu_percent"] < GOAL_CPU_PERCENT
                and new["due_sms_sent_after_s"] is not None
                and new["due_sms_sent_after_s"] <= GOAL_DELAY_S
                and finders["due_found_only_there"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
