"""The REST API under load (issue 20), on the back-office bench's data (bench/backoffice.py's
generator: by default 200,000 people and 1,000,000 appointments in one jurisdiction).

Measured, server time p95 (gunicorn's access log, queueing excluded) for 1 client and for 20
concurrent clients (wrk, loopback):
- ``day_list``: the day's appointments of the busiest agenda, GET /api/v1/rendez-vous/?date=&agenda=
- ``day_list_baseline``: the same list served by a plain ModelSerializer + ModelViewSet without
  query tuning (bench/api_urls.py, bench-only), in the same run;
- ``changes_feed``: the changes feed at 1,000 events per page, GET /api/v1/changements/, from
  cursors spread over the whole table (the (txid, id) positions a client holds);
- ``booking``: free-time bookings one after the other (one client, 200 by default) through the
  API's own POST /api/v1/rendez-vous/, as a system does it: an API key of a service account
  (role DPIP), its own Idempotency-Key per booking, the booking SMS queued.
Queries per page are counted in process (Django test client) on two pages of each list: they must
be equal (constant per page).

Run with `make bench-api`. The last line printed is one JSON object.

Environment (all optional): BENCH_SECONDS (wrk duration per measure, default 10), BENCH_PEOPLE and
BENCH_APPOINTMENTS (default 200000 and 1000000; smaller on a shared machine), BENCH_BOOKINGS
(default 200), BENCH_KEEP=1 (keep the jurisdiction, agents and session: the next run with
BENCH_REUSE=1 measures them again without reloading).
"""

import base64
import http.client
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api_settings")  # bench/api_settings.py

import backoffice  # noqa: E402  (bench/backoffice.py: sets Django up, the data generator)
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Max, Min  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from figures import host_cpu_busy, percentile  # noqa: E402
from load import (  # noqa: E402
    drain,
    gunicorn,
    http_get,
    print_host_busy,
    print_server_errors,
    profile_get,
    require_wrk,
    revision,
    run_wrk,
    server_times,
    wrk_script,
)
from load import measure as load_measure  # noqa: E402

from jurisdiction_apps.organisation.models import Agenda, AppointmentType  # noqa: E402
from jurisdiction_apps.people.models import Person  # noqa: E402
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent  # noqa: E402
from jurisdiction_apps.scheduling.queries import local_day_bounds  # noqa: E402
from tenants.api_keys import create_key, revoke_key  # noqa: E402
from tenants.constants import Role  # noqa: E402
from tenants.models import Jurisdiction, JurisdictionAPIKey  # noqa: E402
from tenants.services import ensure_public_tenant, grant_membership  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
APPOINTMENTS = int(os.environ.get("BENCH_APPOINTMENTS", "1000000"))
BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "200"))
BOOKING_PATH = "/api/v1/rendez-vous/"
KEEP = os.environ.get("BENCH_KEEP") == "1"
REUSE = os.environ.get("BENCH_REUSE") == "1"

CONNECTIONS = 20
WORKERS = 4
FEED_PAGE = 1000
FEED_CURSORS = 50
GOALS = {"one_client_p95_ms": 50.0, "twenty_clients_p95_ms": 150.0, "booking_p95_ms": 100.0}
MEASURED = ("day_list", "day_list_baseline", "changes_feed")


def feed_cursor(txid: int, event_id: int) -> str:
    """The cursor a client holds after an event (FeedCursor's encoding: base64 of "txid.id")."""
    return quote(base64.b64encode(f"{txid}.{event_id}".encode()).decode(), safe="")


def prepare(day):
    """The jurisdiction with its data: loaded by the back-office bench's generator, or reused."""
    target = backoffice.Target("big", "bench-api", "Banc de l'API", PEOPLE, APPOINTMENTS)
    agents = backoffice.bench_agents()
    existing = Jurisdiction.objects.filter(slug=target.slug).first()
    if REUSE and existing is not None:
        target.jurisdiction = existing
        with schema_context(existing.schema_name):
            busy = Agenda.objects.order_by("place_id", "pk").values_list("pk", flat=True).first()
        target.figures.update({"load_s": 0.0, "vacuum_analyze_s": 0.0, "load_steps_s": "reused"})
        target.figures["busy_agenda_id"] = busy
        print(f"{target.slug}: reusing the loaded jurisdiction", flush=True)
    else:
        print(f"{target.slug}: creating the jurisdiction…", flush=True)
        target.jurisdiction = backoffice.recreate(target)
        for agent in agents:
            grant_membership(agent, target.jurisdiction, Role.CPIP)
        backoffice.load(target, [agent.pk for agent in agents], day)
    backoffice.describe(target, day)
    connection.set_schema_to_public()
    print(
        f"{target.slug}: loaded in {target.figures['load_s']} s (+ "
        f"{target.figures['vacuum_analyze_s']} s VACUUM ANALYZE) — "
        f"{json.dumps(target.figures['data'])}",
        flush=True,
    )
    return target, agents


def bench_key(target) -> tuple[JurisdictionAPIKey, str]:
    """A fresh API key of the bench jurisdiction (the ones of an earlier kept run revoked)."""
    for earlier in JurisdictionAPIKey.objects.filter(
        jurisdiction=target.jurisdiction, revoked=False
    ):
        revoke_key(earlier)
    return create_key(
        target.jurisdiction,
        name="Banc de l'API",
        role=Role.DPIP,
        expiry_date=None,
        created_by=None,
    )


def urls_of(target, day) -> dict:
    busy = target.figures["busy_agenda_id"]
    with schema_context(target.jurisdiction.schema_name):
        bounds = AppointmentEvent.objects.aggregate(low=Min("pk"), high=Max("pk"))
        low, high = bounds["low"], bounds["high"]
        # Another page of the same list: the agenda with the most appointments that day after
        # the busy one (its query count must be the same).
        start, end = local_day_bounds(day, target.jurisdiction.zone)
        other = (
            Appointment.objects.between(start, end)
            .exclude(agenda_id=busy)
            .exclude(agenda_id=None)
            .values("agenda_id")
            .annotate(count=Count("pk"))
            .order_by("-count", "agenda_id")
            .first()
        )
        quiet = other["agenda_id"] if other else busy
        span = max(1, high - low - FEED_PAGE)
        positions = [
            AppointmentEvent.objects.filter(pk__gte=low + span * k // FEED_CURSORS)
            .order_by("pk")
            .values_list("txid", "pk")
            .first()
            for k in range(FEED_CURSORS)
        ]
    feed = [
        f"/api/v1/changements/?page_size={FEED_PAGE}&cursor={feed_cursor(*p)}" for p in positions
    ]
    return {
        "day_list": f"/api/v1/rendez-vous/?date={day.isoformat()}&agenda={busy}",
        "day_list_quiet": f"/api/v1/rendez-vous/?date={day.isoformat()}&agenda={quiet}",
        "day_list_baseline": (
            f"/api/v1/banc/rendez-vous/?starts_at__date={day.isoformat()}&agenda={busy}"
        ),
        "day_list_baseline_quiet": (
            f"/api/v1/banc/rendez-vous/?starts_at__date={day.isoformat()}&agenda={quiet}"
        ),
        "changes_feed": feed,
    }


def count_queries(target, session_key: str, urls: dict) -> dict:
    """Queries of one request in process, on two pages of each list: a busy and a quiet agenda's
    day, the feed at two positions (``constant``: the same count on both)."""
    client = Client(HTTP_HOST=target.host, raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    pairs = {
        "day_list": (urls["day_list"], urls["day_list_quiet"]),
        "day_list_baseline": (urls["day_list_baseline"], urls["day_list_baseline_quiet"]),
        "changes_feed": (urls["changes_feed"][0], urls["changes_feed"][-1]),
    }
    result = {}
    for name, (first, second) in pairs.items():
        a, b = profile_get(client, first), profile_get(client, second)
        rows = [len(client.get(url).json().get("results", [])) for url in (first, second)]
        result[name] = {
            "status": [a["status"], b["status"]],
            "rows": rows,
            "queries": [a["queries"], b["queries"]],
            "constant": a["queries"] == b["queries"],
            "db_ms": [a["db_ms"], b["db_ms"]],
        }
    connection.set_schema_to_public()
    return result


def measure(port, host, cookie, paths, access_log, workdir, connections) -> dict:
    paths = paths if isinstance(paths, list) else [paths]
    script = workdir / f"rotate-{len(paths)}.lua"
    script.write_text(wrk_script(paths if len(paths) > 1 else None))
    return load_measure(
        script, port, host, cookie, paths[0], access_log, SECONDS, connections, alone=False
    )


def booking_bodies(target) -> list[dict]:
    """Free-time bookings (an office type, the busy agenda's place), on future working days at
    distinct times, of distinct people."""
    zone = target.jurisdiction.zone
    with schema_context(target.jurisdiction.schema_name):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        agenda = Agenda.objects.get(pk=target.figures["busy_agenda_id"])
        people = list(
            Person.objects.active().order_by("-pk").values_list("pk", flat=True)[:BOOKINGS]
        )
    bodies, day = [], timezone.localdate() + timedelta(days=30)
    for index, person in enumerate(people):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        starts = datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(
            hours=8, minutes=5 * (index % 100)
        )
        if index % 100 == 99:
            day += timedelta(days=1)
        bodies.append(
            {
                "person": person,
                "appointment_type": kind.pk,
                "place": agenda.place_id,
                "agenda": agenda.pk,
                "starts_at": starts.isoformat(),
                "notify": "notify_and_remind",
            }
        )
    return bodies


def post(port: int, host: str, path: str, key: str, body: dict) -> tuple[int, float, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        started = time.perf_counter()
        conn.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={
                "Host": host,
                "Authorization": f"Api-Key {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),  # one per booking (the API's POST asks it)
            },
        )
        response = conn.getresponse()
        payload = response.read()
        return response.status, (time.perf_counter() - started) * 1000, payload
    finally:
        conn.close()


def measure_bookings(port, host, key, bodies, access_log) -> dict:
    drain(access_log)
    offset = access_log.stat().st_size
    statuses, client_ms, failures = [], [], []
    for body in bodies:
        status, elapsed, payload = post(port, host, BOOKING_PATH, key, body)
        statuses.append(status)
        client_ms.append(elapsed)
        if status != 201 and len(failures) < 3:
            failures.append(f"{status} {payload[:300]!r}")
    drain(access_log)
    times = server_times(access_log, offset)
    for failure in failures:
        print(f"WARNING booking answered {failure}", flush=True)
    return {
        "requests": len(bodies),
        "created": statuses.count(201),
        "server_p50_ms": round(percentile(times, 0.50), 1),
        "server_p95_ms": round(percentile(times, 0.95), 1),
        "client_p95_ms": round(percentile(client_ms, 0.95), 1),
        "path": BOOKING_PATH,
    }


def main() -> None:
    require_wrk("bench-api")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    day = backoffice.measured_day(timezone.localdate())
    target, agents = prepare(day)
    session_key = backoffice.open_session(agents[0])
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    api_key, key = bench_key(target)
    urls = urls_of(target, day)
    queries = count_queries(target, session_key, urls)
    print(f"queries per page: {json.dumps(queries)}", flush=True)

    results: dict = {}
    env = {
        "DJANGO_SETTINGS_MODULE": "api_settings",
        "PYTHONPATH": f"{BENCH_DIR}:{BENCH_DIR.parent}",
    }
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        workdir = Path(tmp)
        with gunicorn(workdir, WORKERS, settings.PLATFORM_DOMAIN, env) as (
            port,
            access_log,
            errors,
        ):
            warm = workdir / "warm.lua"
            warm.write_text(wrk_script())
            for name in MEASURED:
                paths = [urls[name]] if isinstance(urls[name], str) else urls[name]
                for path in paths:  # every page measured, once (the database's cache)
                    status, body = http_get(port, target.host, path, cookie)
                    if status != 200:
                        print(f"WARNING {name} {path} answers {status}: {body[:300]!r}", flush=True)
                run_wrk(warm, port, target.host, cookie, paths[0], 2, WORKERS)  # every worker
            drain(access_log)
            busy_before = host_cpu_busy()
            for name in MEASURED:
                one = measure(port, target.host, cookie, urls[name], access_log, workdir, 1)
                many = measure(
                    port, target.host, cookie, urls[name], access_log, workdir, CONNECTIONS
                )
                results[name] = {"one_client": one, "twenty_clients": many, **queries[name]}
                print(
                    f"  {name:<18} 1 client: srv p95 {one['server_p95_ms']:6.1f} ms "
                    f"({one['requests']} req)   20 clients: srv p95 "
                    f"{many['server_p95_ms']:6.1f} ms, wrk p95 {many['p95_ms']:6.1f} ms "
                    f"({many['requests']} req, non-2xx {one['non_2xx'] + many['non_2xx']})   "
                    f"queries {queries[name]['queries']}",
                    flush=True,
                )
            bodies = booking_bodies(target)
            post(port, target.host, BOOKING_PATH, key, bodies.pop())  # warm (discarded)
            results["booking"] = measure_bookings(port, target.host, key, bodies, access_log)
            busy_after = host_cpu_busy()
            print(
                f"  booking            1 client: srv p95 {results['booking']['server_p95_ms']:6.1f}"
                f" ms ({results['booking']['created']}/{results['booking']['requests']} created)",
                flush=True,
            )
            print_server_errors(errors)
    print_host_busy(busy_before, busy_after)

    if not KEEP:
        backoffice.clean_up([target], agents, session_key)
        get_user_model().objects.filter(pk=api_key.service_account_id).delete()

    met = all(
        results[name]["one_client"]["server_p95_ms"] < GOALS["one_client_p95_ms"]
        and results[name]["twenty_clients"]["server_p95_ms"] < GOALS["twenty_clients_p95_ms"]
        and results[name]["one_client"]["non_2xx"] + results[name]["twenty_clients"]["non_2xx"] == 0
        and results[name]["constant"]
        for name in ("day_list", "changes_feed")
    )
    met = met and (
        results["booking"]["server_p95_ms"] < GOALS["booking_p95_ms"]
        and results["booking"]["created"] == results["booking"]["requests"]
    )
    figures = {
        "day_list_one_client_p95_ms": results["day_list"]["one_client"]["server_p95_ms"],
        "day_list_twenty_clients_p95_ms": results["day_list"]["twenty_clients"]["server_p95_ms"],
        "baseline_one_client_p95_ms": results["day_list_baseline"]["one_client"]["server_p95_ms"],
        "baseline_twenty_clients_p95_ms": results["day_list_baseline"]["twenty_clients"][
            "server_p95_ms"
        ],
        "feed_one_client_p95_ms": results["changes_feed"]["one_client"]["server_p95_ms"],
        "feed_twenty_clients_p95_ms": results["changes_feed"]["twenty_clients"]["server_p95_ms"],
        "booking_p95_ms": results["booking"]["server_p95_ms"],
        "queries_per_page": {name: queries[name]["queries"] for name in MEASURED},
        "rows_per_page": {name: queries[name]["rows"] for name in MEASURED},
        "details": results,
        "data": target.figures["data"],
        "load_s": target.figures["load_s"],
        "size": {"people": PEOPLE, "appointments": APPOINTMENTS, "reused": REUSE},
        "wrk_seconds": SECONDS,
        "gunicorn_workers": WORKERS,
        "cpus": os.cpu_count(),
        "host_cpu_busy_idle_pct": {"before": busy_before, "after": busy_after},
        "measured_day": day.isoformat(),
        "revision": revision(),
    }
    goals = {
        "day_list_and_feed_one_client_server_p95_ms_below": GOALS["one_client_p95_ms"],
        "day_list_and_feed_twenty_clients_server_p95_ms_below": GOALS["twenty_clients_p95_ms"],
        "booking_server_p95_ms_below": GOALS["booking_p95_ms"],
        "queries_per_page": "constant",
        "non_2xx": 0,
    }
    print(json.dumps({"bench": "api", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
