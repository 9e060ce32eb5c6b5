"""The cost of carrying the search_path with every statement (DATABASE_POOLER =
"pgbouncer-transaction", tenants/db_backend/base.py), against django-tenants' SET once per
connection, directly and through a PgBouncer of this run (Debian's, transaction or session mode).

Run with `make bench-pooler`. The last line printed is one JSON object.

Each configuration runs, on a Django connection of the platform's backend in a schema of its own
(`bench_pooler_a`, created in DATABASE_URL's database and dropped at the end):
  - BENCH_POOLER_QUERIES (5000) single queries in autocommit, each on a new cursor as the ORM
    does (`SELECT v FROM t WHERE id = %s`);
  - the same number of queries in transactions of 5 (atomic blocks).
Three rounds, the best kept (the machine is shared). Goal: the safe mode behind PgBouncer costs
at most 25% more per query than today's configuration through the same PgBouncer in session mode
(the fallback that is safe without the new mode).
"""

import copy
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")
os.environ["DJANGO_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.utils import load_backend  # noqa: E402
from figures import host_cpu_busy  # noqa: E402  (bench/figures.py)

from devtools.pgbouncer import running_pgbouncer  # noqa: E402

QUERIES = int(os.environ.get("BENCH_POOLER_QUERIES", "5000"))
ROUNDS = 3
SCHEMA = "bench_pooler_a"
SAFE, TENANTS = "tenants.db_backend", "django_tenants.postgresql_backend"
GOAL_RATIO = 1.25


def create_schema() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        cursor.execute(f"CREATE TABLE {SCHEMA}.t (id int PRIMARY KEY, v text)")
        cursor.execute(
            f"INSERT INTO {SCHEMA}.t SELECT g, 'value ' || g FROM generate_series(1, 1000) g"
        )


def drop_schema() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def wrapper(engine: str, port: int | None, pooler: str, alias: str):
    settings.DATABASE_POOLER = pooler
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["CONN_MAX_AGE"] = None
    if port is not None:
        settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    if pooler:
        settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    db = load_backend(engine).DatabaseWrapper(settings_dict, alias)
    db.set_schema(SCHEMA)
    settings.DATABASE_POOLER = ""
    return db


def one_query(db, index: int) -> None:
    with db.cursor() as cursor:
        cursor.execute("SELECT v FROM t WHERE id = %s", [index % 1000 + 1])
        assert cursor.fetchone()[0] == f"value {index % 1000 + 1}"


def autocommit_run(db) -> float:
    started = time.perf_counter()
    for index in range(QUERIES):
        one_query(db, index)
    return (time.perf_counter() - started) / QUERIES * 1e6


def atomic_run(db) -> float:
    started = time.perf_counter()
    for block in range(QUERIES // 5):
        db.set_autocommit(False)  # what transaction.atomic does on an outermost block
        for index in range(5):
            one_query(db, block * 5 + index)
        db.commit()
        db.set_autocommit(True)
    return (time.perf_counter() - started) / QUERIES * 1e6


def measure(db) -> dict[str, float]:
    one_query(db, 0)  # connect first
    best = {"autocommit_us": float("inf"), "atomic_us": float("inf")}
    for _ in range(ROUNDS):
        best["autocommit_us"] = min(best["autocommit_us"], autocommit_run(db))
        best["atomic_us"] = min(best["atomic_us"], atomic_run(db))
    db.close()
    return {key: round(value, 1) for key, value in best.items()}


def main() -> int:
    settings.TENANT_LIMIT_SET_CALLS = True
    busy_before = host_cpu_busy()
    create_schema()
    results = {}
    try:
        results["direct_tenants"] = measure(wrapper(TENANTS, None, "", "direct-tenants"))
        results["direct_per_statement"] = measure(
            wrapper(SAFE, None, "pgbouncer-transaction", "direct-safe")
        )
        with running_pgbouncer(connection.settings_dict, pool_mode="session", pool_size=4) as port:
            results["session_pgbouncer_tenants"] = measure(
                wrapper(TENANTS, port, "", "session-tenants")
            )
        with running_pgbouncer(connection.settings_dict, pool_size=4) as port:
            results["transaction_pgbouncer_per_statement"] = measure(
                wrapper(SAFE, port, "pgbouncer-transaction", "transaction-safe")
            )
            # Quick but wrong with several jurisdictions (tests/tenants/test_transaction_pooler.py).
            results["transaction_pgbouncer_tenants_UNSAFE"] = measure(
                wrapper(TENANTS, port, "", "transaction-unsafe")
            )
    finally:
        drop_schema()
    for name, figures in results.items():
        print(
            f"{name:40} {figures['autocommit_us']:8.1f} us/query autocommit"
            f" {figures['atomic_us']:8.1f} us/query in transactions of 5"
        )
    safe = results["transaction_pgbouncer_per_statement"]
    fallback = results["session_pgbouncer_tenants"]
    ratio = round(safe["autocommit_us"] / fallback["autocommit_us"], 2)
    direct_ratio = round(
        results["direct_per_statement"]["autocommit_us"]
        / results["direct_tenants"]["autocommit_us"],
        2,
    )
    figures = {
        f"{name}_{key}": value for name, values in results.items() for key, value in values.items()
    }
    figures["safe_vs_session_pgbouncer_ratio"] = ratio
    figures["per_statement_vs_set_once_direct_ratio"] = direct_ratio
    figures["queries"] = QUERIES
    figures["host_cpu_busy_before_pct"] = busy_before
    figures["host_cpu_busy_after_pct"] = host_cpu_busy()
    print(
        f"machine busy (other work) {busy_before} % before, {figures['host_cpu_busy_after_pct']} %"
        " after"
    )
    met = ratio <= GOAL_RATIO
    print(
        json.dumps(
            {
                "bench": "pooler",
                "figures": figures,
                "goals": {"safe_vs_session_pgbouncer_ratio_max": GOAL_RATIO},
                "met": met,
            }
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
