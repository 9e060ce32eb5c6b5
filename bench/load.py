"""Pages under load, shared by the benchmarks that serve the platform over HTTP: gunicorn with an
access log that records each request's server time, wrk driving it, and the figures drawn from
both (bench/backoffice.py, bench/public.py).

Imported once Django is set up (``profile_get`` uses the test client).
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from figures import percentile  # bench/figures.py

ROOT = Path(__file__).resolve().parent.parent
WRK_THREADS = 2

# Counts the non-2xx answers and the X-Cache headers (hit / miss) of every thread; prints one
# BENCH_RESULT line (summary, latency, errors) and one BENCH_CACHE line (hits, misses).
_WRK_REPORT = """
local threads = {}
non2xx = 0
hits = 0
misses = 0

function setup(thread)
  table.insert(threads, thread)
%(setup)s
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  local cache = headers["X-Cache"]
  if cache == "hit" then
    hits = hits + 1
  elseif cache == "miss" then
    misses = misses + 1
  end
end

function done(summary, latency, requests)
  local bad, hit, miss = 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    hit = hit + thread:get("hits")
    miss = miss + thread:get("misses")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, bad, e.connect, e.read + e.write, e.timeout, e.status))
  io.write(string.format("BENCH_CACHE %%.0f %%.0f\\n", hit, miss))
end
"""

# Each thread walks the list from its own starting point, one path per request.
_WRK_ROTATION = """
paths = {%(paths)s}
next_path = 1

function request()
  local path = paths[next_path]
  next_path = next_path %% #paths + 1
  return wrk.format(nil, path)
end
"""


def wrk_script(paths: list[str] | None = None) -> str:
    """The Lua script of a wrk run: the URL given to wrk, or every one of ``paths`` in turn."""
    if not paths:
        return _WRK_REPORT % {"setup": ""}
    rotation = _WRK_ROTATION % {"paths": ", ".join(json.dumps(path) for path in paths)}
    setup = '  thread:set("next_path", 1 + ((#threads - 1) * 7919) % #paths)'
    return rotation + _WRK_REPORT % {"setup": setup}


def require_wrk(make_target: str) -> None:
    if shutil.which("wrk") is None:
        sys.exit(f"wrk is missing: apt-get install -y wrk (make {make_target} does it)")


def revision() -> str:
    """The commit measured, "+changes" when the working tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip()
    except OSError:
        return ""
    return head + ("+changes" if changed else "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_request(port: int, host: str, path: str, cookie: str = "") -> tuple[int, dict, bytes]:
    """One GET on loopback: status, headers (name as sent: value), body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Host": host}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def http_get(port: int, host: str, path: str, cookie: str = "") -> tuple[int, bytes]:
    status, _, body = http_request(port, host, path, cookie)
    return status, body


@contextmanager
def gunicorn(workdir: Path, workers: int, ready_host: str, extra_env: dict | None = None):
    """gunicorn on a free loopback port, its access log giving each request's server time
    (``%(D)s``, microseconds); yields (port, access log, error log) once a page of
    ``ready_host`` answers."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "saas_platform.settings.dev",
        "DJANGO_DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    access_log = workdir / "access.log"
    error_log = workdir / "error.log"
    output = (workdir / "output.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "saas_platform.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            "1",
            "--timeout",
            "120",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(s)s %(D)s %(U)s",
            "--error-logfile",
            str(error_log),
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{error_log.read_text()[-3000:]}")
            try:
                http_get(port, ready_host, "/")  # any answer: the workers are up
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 60 s") from None
                time.sleep(0.3)
        yield port, access_log, error_log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


def print_server_errors(error_log: Path) -> None:
    """The end of gunicorn's logs (the error log, its output beside) when a request failed."""
    for log in (error_log, error_log.with_name("output.log")):
        text = log.read_text(errors="replace") if log.exists() else ""
        if "Traceback" in text:
            print(f"server errors ({log.name}, end):\n{text[-2500:]}")


def print_host_busy(before: float | None, after: float | None) -> None:
    """How busy the machine was while the benchmark idled (figures.host_cpu_busy)."""
    print(f"host CPU busy while the benchmark idled: {before} % before, {after} % after")
    if max(before or 0, after or 0) > 15:
        print(
            "WARNING: other processes used the CPU: latencies are inflated; re-run on a quiet host"
        )


def wrk_lines(script: Path, port: int, host: str, cookie: str, path: str, seconds, connections):
    """Run wrk; every ``BENCH_<NAME> value…`` line the script printed, as {NAME: [values]}."""
    command = [
        "wrk",
        "-t",
        str(min(WRK_THREADS, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(script),
        "-H",
        f"Host: {host}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    lines = {}
    for line in output.stdout.splitlines():
        if line.startswith("BENCH_"):
            name, *values = line.split()
            lines[name.removeprefix("BENCH_")] = [float(value) for value in values]
    if "RESULT" not in lines:
        raise RuntimeError(f"wrk gave no result:\n{output.stdout}\n{output.stderr}")
    return lines


def run_wrk(script: Path, port: int, host: str, cookie: str, path: str, seconds, connections):
    """wrk's summary: requests, duration (µs), latency p50/p95/p99/max (µs), non-2xx, errors."""
    return wrk_lines(script, port, host, cookie, path, seconds, connections)["RESULT"]


def drain(access_log: Path, timeout: float = 120.0) -> None:
    """Wait until the server has answered what wrk left queued (the log stops growing)."""
    deadline = time.monotonic() + timeout
    last, stable = -1, 0
    while time.monotonic() < deadline and stable < 3:
        size = access_log.stat().st_size if access_log.exists() else 0
        stable = stable + 1 if size == last else 0
        last = size
        time.sleep(0.3)


def server_times(access_log: Path, offset: int) -> list[float]:
    """Milliseconds between request parsed and response sent, from the gunicorn access log."""
    times = []
    with access_log.open() as log:
        log.seek(offset)
        for line in log:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                times.append(int(parts[1]) / 1000)
    return times


def measure(
    script: Path,
    port: int,
    host: str,
    cookie: str,
    path: str,
    access_log: Path,
    seconds: int,
    connections: int,
    alone: bool = True,
) -> dict:
    """``connections`` users without pause (the goal), then, with ``alone``, 1 user alone (the
    time of the page itself). X-Cache counts are added when the pages send the header."""
    drain(access_log)
    offset = access_log.stat().st_size if access_log.exists() else 0
    lines = wrk_lines(script, port, host, cookie, path, seconds, connections)
    (requests, duration_us, p50, p95, p99, max_us, non2xx, connect, readwrite, timeouts, _) = lines[
        "RESULT"
    ]
    drain(access_log)
    loaded = server_times(access_log, offset)
    alone_result = None
    if alone:
        alone_result = run_wrk(script, port, host, cookie, path, max(2, seconds // 2), 1)
        drain(access_log)
    figures = {
        "p50_ms": round(p50 / 1000, 1),
        "p95_ms": round(p95 / 1000, 1),
        "p99_ms": round(p99 / 1000, 1),
        "max_ms": round(max_us / 1000, 1),
        "requests": int(requests),
        "requests_per_s": round(requests / (duration_us / 1e6), 1) if duration_us else 0.0,
        "non_2xx": int(non2xx) + (int(alone_result[6]) if alone_result else 0),
        "socket_errors": int(connect + readwrite + timeouts)
        + (int(sum(alone_result[7:10])) if alone_result else 0),
        "server_p50_ms": round(percentile(loaded, 0.50), 1),
        "server_p95_ms": round(percentile(loaded, 0.95), 1),
        "one_user_p50_ms": round(alone_result[2] / 1000, 1) if alone_result else None,
        "one_user_p95_ms": round(alone_result[3] / 1000, 1) if alone_result else None,
    }
    hits, misses = lines.get("CACHE", [0, 0])
    if hits or misses:
        figures["cache_hits"], figures["cache_misses"] = int(hits), int(misses)
    return figures


def profile_get(client, url: str) -> dict:
    """One request in process (Django test client), after a first one that warms the caches:
    status, queries, database time, slowest query, time in process."""
    client.get(url)  # warm the caches (templates, content types)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    timed = [(float(query["time"]), query["sql"]) for query in captured.captured_queries]
    slowest = max(timed, default=(0.0, ""))
    return {
        "status": response.status_code,
        "queries": len(timed),
        "db_ms": round(sum(t for t, _ in timed) * 1000, 1),
        "slowest_query_ms": round(slowest[0] * 1000, 1),
        "in_process_ms": round(elapsed * 1000, 1),
        "_slowest_sql": slowest[1],
    }
