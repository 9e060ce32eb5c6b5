import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("variable", "url", "expected"),
    [
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/justice", "DATABASE_URL is unreachable"),
        ("REDIS_URL", "redis://127.0.0.1:1/0", "REDIS_URL is unreachable"),
    ],
)
def test_unreachable_service_is_reported_in_one_line(variable, url, expected):
    env = {**os.environ, variable: url}
    if variable == "REDIS_URL":
        env.setdefault("DATABASE_URL", os.environ["DATABASE_URL"])
    result = subprocess.run(
        [sys.executable, "-m", "devtools.devstack", "exec", "--", "true"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr


def _devstack_exec(database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "devtools.devstack", "exec", "--", "true"],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _with(url: str, *, user: str | None = None, dbname: str) -> str:
    scheme, rest = url.split("://", 1)
    credentials, location = rest.split("@", 1) if "@" in rest else ("", rest)
    host = location.rsplit("/", 1)[0]
    return f"{scheme}://{user or credentials}@{host}/{dbname}"


def _maintenance():
    import psycopg

    url = _with(os.environ["DATABASE_URL"], dbname="postgres")
    return psycopg.connect("postgresql://" + url.split("://", 1)[1], autocommit=True)


def test_a_database_url_naming_a_missing_database_creates_it():
    name = f"devstack_missing_{os.getpid()}"
    result = _devstack_exec(_with(os.environ["DATABASE_URL"], dbname=name))
    try:
        assert result.returncode == 0, result.stderr
        assert f'database "{name}" created' in result.stdout
        with _maintenance() as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            assert found.fetchone() is not None
    finally:
        with _maintenance() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_missing_database_that_cannot_be_created_is_named_in_one_line():
    role, name = f"devstack_nocreate_{os.getpid()}", f"devstack_absent_{os.getpid()}"
    with _maintenance() as connection:
        connection.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        result = _devstack_exec(_with(os.environ["DATABASE_URL"], user=role, dbname=name))
    finally:
        with _maintenance() as connection:
            connection.execute(f'DROP ROLE "{role}"')
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f'database "{name}", which does not exist' in lines[0]
    assert f"createdb {name}" in lines[0]


def _run_marked(args: list[str], tmp_path, **extra_env) -> tuple[subprocess.CompletedProcess, list]:
    """Run the devstack with the embedded Redis (REDIS_URL unset) and a marker in its
    environment; return its result and the marked processes still alive after it."""
    from devtools.run_check import MARKER, kill_marked, marked_processes

    marker = f"devstack-test-{os.getpid()}-{tmp_path.name}"
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update({MARKER: marker, "JUSTICE_VAR_DIR": str(tmp_path / "var"), **extra_env})
    result = subprocess.run(
        [sys.executable, "-m", "devtools.devstack", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    left = marked_processes(marker)
    kill_marked(marker)
    return result, left


def test_the_embedded_redis_stops_with_the_command_it_served(tmp_path):
    result, left = _run_marked(["exec", "--", "true"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "embedded Redis ready" in result.stdout
    assert left == []


def test_the_embedded_redis_stops_when_make_run_fails_while_starting(tmp_path):
    # Settings that cannot be imported: `run` fails after the servers started.
    result, left = _run_marked(["run"], tmp_path, DJANGO_SETTINGS_MODULE="no_such_settings")
    assert result.returncode != 0
    assert "embedded Redis ready" in result.stdout
    assert left == []
