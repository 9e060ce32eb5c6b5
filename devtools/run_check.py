"""Start `make run` as a newcomer would, check that the platform serves, stop it, check nothing is
left running. `make run-check` and `.ci/run` call it; it exits 1 with the log's last lines when
any step fails.

1. `make run` in its own process group, from an empty var/ folder (a temporary JUSTICE_VAR_DIR),
   on free ports, with the embedded PostgreSQL and Redis (DATABASE_URL and REDIS_URL unset);
2. /health/ answers 200; the public home and every demo jurisdiction's home answer 200;
3. one demo agent signs in with the README's password and reaches the back-office;
   docs/api.md's curl examples run with the demo API key that `make run` printed
   (devtools/api_examples.py: every call 2xx);
4. SIGINT to the process group, as Ctrl-C in a terminal; `make run` ends;
5. no process started by it is left (web, worker, beat, SMS gateway, PostgreSQL, Redis): each
   carries a marker in its environment, looked for in every process of the machine.
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from devtools.api_examples import ExamplesFailed, run_examples

ROOT = Path(__file__).resolve().parent.parent
MARKER = "JUSTICE_RUN_CHECK"
DEMO_SLUGS = ("nanterre", "la-reunion", "lille", "douai", "ouverture")
AGENT = ("cpip.nanterre@demo.test", "Demo-Justice-2026", "nanterre")
HEALTH_TIMEOUT = 150  # seconds, a fresh var/: initdb, migrations, the demo seed
STOP_TIMEOUT = 30


class CheckFailed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """HTTP to 127.0.0.1 with a Host header (no name resolution of *.localhost needed)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, host: str, path: str, data: dict | None = None, referer: str = ""):
        url = f"http://{host}:{self.port}{path}"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        request.add_header("Host", f"{host}:{self.port}")
        if referer:
            request.add_header("Referer", referer)
        # Connect to loopback whatever the host name says.
        request.host = f"127.0.0.1:{self.port}"
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for_health(client: Client, process: subprocess.Popen) -> float:
    started = time.monotonic()
    while time.monotonic() - started < HEALTH_TIMEOUT:
        if process.poll() is not None:
            raise CheckFailed(f"make run ended (exit {process.returncode}) before /health/ 200")
        try:
            status, _, _ = client.request("localhost", "/health/")
            if status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(1)
    raise CheckFailed(f"/health/ not 200 after {HEALTH_TIMEOUT} s")


def check_pages(client: Client) -> None:
    for host in ("localhost", *(f"{slug}.localhost" for slug in DEMO_SLUGS)):
        status, _, _ = client.request(host, "/")
        if status != 200:
            raise CheckFailed(f"http://{host}/ answered {status}")
        print(f"  http://{host}:{client.port}/ 200")


def sign_in(client: Client) -> None:
    email, password, slug = AGENT
    host = f"{slug}.localhost"
    status, _, page = client.request(host, "/comptes/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise CheckFailed(f"the sign-in page answered {status} without a form")
    status, headers, _ = client.request(
        host,
        "/comptes/login/",
        {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password},
        referer=f"http://{host}:{client.port}/comptes/login/",
    )
    if status != 302:
        raise CheckFailed(f"signing in {email} answered {status}, not a redirection")
    target = urllib.parse.urlsplit(headers["Location"]).path or "/"
    status, _, page = client.request(host, target)
    if status != 200 or "Se déconnecter" not in page:
        raise CheckFailed(f"after signing in, {target} answered {status} without the agent's menu")
    print(f"  {email} signed in, {target} 200")


def printed_api_key(log_path: Path, seconds: float = 60) -> str:
    """The demo key of make run's banner, which it prints once its own /health/ poll passes
    (possibly a moment after ours)."""
    deadline = time.monotonic() + seconds
    pattern = re.compile(r"Api-Key ([A-Za-z0-9]+\.[A-Za-z0-9]+)")
    while True:
        found = pattern.search(log_path.read_text(errors="replace"))
        if found is not None:
            return found.group(1)
        if time.monotonic() > deadline:
            raise CheckFailed(f"make run printed no demo API key within {seconds:.0f} s")
        time.sleep(0.5)


def marked_processes(marker: str) -> list[str]:
    """Every process of the machine whose environment carries the marker."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if state != "Z":
            found.append(f"{entry.name} {command[:120]}")
    return found


def kill_marked(marker: str) -> None:
    for line in marked_processes(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split()[0]), signal.SIGKILL)


def main() -> int:
    marker = uuid.uuid4().hex
    var_dir = Path(tempfile.mkdtemp(prefix="run-check-var-"))
    log_path = var_dir.parent / f"{var_dir.name}.log"
    port, gateway_port, oidc_port = free_port(), free_port(), free_port()
    embedded = {"DATABASE_URL", "REDIS_URL"}  # unset: the embedded servers of a fresh machine
    env = {key: value for key, value in os.environ.items() if key not in embedded}
    env.update(
        {
            MARKER: marker,
            "JUSTICE_VAR_DIR": str(var_dir),
            "PORT": str(port),
            "SMS_GATEWAY_PORT": str(gateway_port),
            "PROCONNECT_PROVIDER_PORT": str(oidc_port),
            "PYTHONUNBUFFERED": "1",
        }
    )
    started = time.monotonic()
    print(f"make run from an empty var/ ({var_dir}) on port {port}, log {log_path}")
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    failure = None
    try:
        client = Client(port)
        seconds = wait_for_health(client, process)
        print(f"  /health/ 200 after {seconds:.0f} s")
        check_pages(client)
        sign_in(client)
        calls = run_examples(port, printed_api_key(log_path))
        print(f"  docs/api.md: {calls} curl examples answered 2xx with the printed demo key")
    except (CheckFailed, ExamplesFailed, OSError, subprocess.TimeoutExpired) as error:
        failure = str(error)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                failure = failure or f"make run still running {STOP_TIMEOUT} s after SIGINT"
        time.sleep(1)  # daemons re-parented to init are reaped meanwhile
        left = marked_processes(marker)
        if left:
            failure = failure or "processes left after make run stopped:\n    " + "\n    ".join(
                left
            )
            kill_marked(marker)
    elapsed = time.monotonic() - started
    if failure:
        print(f"run-check FAILED after {elapsed:.0f} s: {failure}")
        print("--- last lines of the make run log ---")
        print("\n".join(log_path.read_text(errors="replace").splitlines()[-40:]))
        return 1
    print(
        f"run-check passed in {elapsed:.0f} s: served, signed in, API examples run, stopped, "
        "nothing left"
    )
    shutil.rmtree(var_dir, ignore_errors=True)
    log_path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
