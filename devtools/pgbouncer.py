"""A throwaway PgBouncer (Debian's package, `apt-get install pgbouncer`) in front of the PostgreSQL
server of a Django database, on a free port of 127.0.0.1: for the tests and the bench of the
transaction-pooler mode (tenants/db_backend/base.py, docs/deployment.md).

    with running_pgbouncer(connection.settings_dict, pool_mode="transaction", pool_size=1) as port:
        ...  # connect to 127.0.0.1:port, same database name, same user

Authentication is `trust` between the client and PgBouncer (it listens on 127.0.0.1 only); the
password of the settings, if any, goes to PostgreSQL. PgBouncer refuses to run as root: started
by root, it switches to the owner of PostgreSQL's socket folder, or to `nobody` over TCP.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DEBIAN_PATH = "/usr/sbin/pgbouncer"


class PgBouncerMissing(RuntimeError):
    pass


def pgbouncer_binary() -> str:
    """The pgbouncer binary, or PgBouncerMissing saying how to install it."""
    for candidate in (os.environ.get("PGBOUNCER_PATH"), shutil.which("pgbouncer"), DEBIAN_PATH):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise PgBouncerMissing(
        "pgbouncer not found (PGBOUNCER_PATH, PATH, /usr/sbin/pgbouncer):"
        " apt-get install pgbouncer (.ci/run does)"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


@contextlib.contextmanager
def running_pgbouncer(
    settings_dict: dict,
    *,
    pool_mode: str = "transaction",
    pool_size: int = 1,
    max_client_conn: int = 100,
):
    """Start PgBouncer for the database of `settings_dict` (Django's); yield its port; stop it."""
    binary = pgbouncer_binary()
    host = settings_dict.get("HOST") or "/var/run/postgresql"
    target = [f"host={_quote(host)}", f"port={settings_dict.get('PORT') or 5432}"]
    if settings_dict.get("PASSWORD"):
        target.append(f"password={_quote(settings_dict['PASSWORD'])}")
    user = settings_dict.get("USER") or pwd.getpwuid(os.getuid()).pw_name
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    folder.chmod(0o755)  # readable by the user PgBouncer switches to (no secret in there)
    lines = [
        "[databases]",
        f"* = {' '.join(target)}",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        "unix_socket_dir =",
        "auth_type = trust",
        f"auth_file = {folder / 'users.txt'}",
        f"pool_mode = {pool_mode}",
        f"default_pool_size = {pool_size}",
        "min_pool_size = 0",
        "reserve_pool_size = 0",
        f"max_client_conn = {max_client_conn}",
        "server_reset_query = DISCARD ALL",
        "query_wait_timeout = 10",
        "log_connections = 0",
        "log_disconnections = 0",
    ]
    if os.geteuid() == 0:
        owner = "nobody"
        if host.startswith("/"):
            owner = pwd.getpwuid(os.stat(host).st_uid).pw_name
        lines.append(f"user = {owner}")
    (folder / "pgbouncer.ini").write_text("\n".join(lines) + "\n")
    (folder / "users.txt").write_text(f'"{user}" ""\n')
    for path in folder.iterdir():
        path.chmod(0o644)
    log = folder / "pgbouncer.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, str(folder / "pgbouncer.ini")], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"pgbouncer stopped at start: {log.read_text()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"pgbouncer not listening after 10 s: {log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # immediate shutdown
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)
