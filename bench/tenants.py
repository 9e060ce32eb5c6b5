"""Time to create one more jurisdiction: what the platform does (clone the template schema kept in
step with the migrations, docs/adr/0013 and 0021) against the other way (run every migration), same
run; then how that time grows with the number of schemas already in the database: creations
timed at 10, 100 and 300 jurisdictions (BENCH_SCALE; after a CHECKPOINT, see settle()), beside
django-tenants' clone function (the previous way, rolled back) at the same points. The
jurisdictions created are dropped at the end.

Run with `make bench-tenants`. The last line printed is one JSON object.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django_tenants.clone import CloneSchema  # noqa: E402

from tenants import cloning  # noqa: E402
from tenants.models import Jurisdiction  # noqa: E402
from tenants.services import (  # noqa: E402
    CLONE,
    MIGRATE,
    TEMPLATE_SCHEMA,
    JurisdictionSpec,
    create_jurisdiction,
    ensure_public_tenant,
    ensure_template_schema,
)

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
GOAL_SECONDS = 3.0
SCALE = [int(n) for n in os.environ.get("BENCH_SCALE", "10,100,300").split(",") if n]
SCALE_RATIO = 1.5  # the last point's creation against the first's, at most


class _Rollback(Exception):
    pass


def rolled_back_seconds(clone) -> float:
    """Seconds a clone into a scratch schema takes, in a transaction rolled back."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            clone("j_bench_scratch")
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    connection.set_schema_to_public()
    return elapsed


def tenant_schemas() -> int:
    return Jurisdiction.objects.exclude(schema_name="public").count()


def settle() -> None:
    """Write the dirty pages of the fill out before timing a point: filling hundreds of schemas
    in minutes leaves the server flushing gigabytes (a CHECKPOINT then takes ~20 s), which
    slows the creations timed right after; in use, jurisdictions are created days apart."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:  # not a superuser nor pg_checkpoint: time the point as it is
        pass


def scaling() -> dict:
    """At each point of SCALE: five creations (median and best), each on a fresh connection,
    then our clone and django-tenants' alone (rolled back). The machine is shared: the median is
    the goal, the best shows the floor."""
    plan = cloning.plan_clone(TEMPLATE_SCHEMA, only_filled_tables=True)
    points = {}
    index = 0
    for target in SCALE:
        while tenant_schemas() < target - 1:
            create_jurisdiction(JurisdictionSpec(slug=f"bench-s{index}", name=f"Banc {index}"))
            index += 1
            if index % 25 == 0:
                connection.close()
        settle()
        times = []
        for _ in range(5):
            # A fresh connection per creation, as the product paths have (the management
            # command's process; the Celery task's connection, at most CONN_MAX_AGE = 60 s
            # old): a PostgreSQL backend that itself created hundreds of schemas keeps their
            # relations in its caches and creates more slowly (0.45 s against 0.24 s at 290
            # schemas, measured), whatever the number of schemas in the database.
            connection.close()
            started = time.perf_counter()
            create_jurisdiction(JurisdictionSpec(slug=f"bench-s{index}", name=f"Banc {index}"))
            times.append(time.perf_counter() - started)
            index += 1
        connection.close()
        ours = rolled_back_seconds(lambda name: cloning.replay_clone(plan, name))
        theirs = rolled_back_seconds(
            lambda name: CloneSchema().clone_schema(TEMPLATE_SCHEMA, name, "DATA")
        )
        points[target] = {
            "create_median_s": round(statistics.median(times), 3),
            "create_min_s": round(min(times), 3),
            "clone_s": round(ours, 3),
            "django_tenants_clone_s": round(theirs, 3),
        }
        print(
            f"{target} jurisdictions: creation median {statistics.median(times):.3f} s "
            f"(best {min(times):.3f} s), our clone "
            f"{ours:.3f} s, django-tenants' clone {theirs:.3f} s"
        )
    return points


def drop(slug_prefix: str) -> None:
    for jurisdiction in Jurisdiction.objects.filter(slug__startswith=slug_prefix):
        jurisdiction.delete(force_drop=True)


def timed_creations(prefix: str, method: str) -> list[float]:
    times = []
    for index in range(RUNS):
        started = time.perf_counter()
        create_jurisdiction(
            JurisdictionSpec(slug=f"{prefix}{index}", name=f"Banc {index}"), method=method
        )
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    drop("bench-")

    # Once per change of the migrations (or on first use): build the template.
    started = time.perf_counter()
    ensure_template_schema(force=True)
    template_seconds = time.perf_counter() - started

    clone_times = timed_creations("bench-c", CLONE)  # what the platform does
    migrate_times = timed_creations("bench-m", MIGRATE)  # the other way

    # The whole management command, as an operator runs it (process start-up included).
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "create_jurisdiction",
            "bench-cmd",
            "--name",
            "Banc commande",
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    command_seconds = time.perf_counter() - started
    drop("bench-")
    # The plan is built once per process and template; time it as a first creation pays it.
    started = time.perf_counter()
    cloning.plan_clone(TEMPLATE_SCHEMA, only_filled_tables=True)
    plan_seconds = time.perf_counter() - started
    try:
        points = scaling() if SCALE else {}
    finally:
        drop("bench-")

    clone_median = statistics.median(clone_times)
    migrate_median = statistics.median(migrate_times)
    figures = {
        "runs": RUNS,
        "platform": "clone",
        "clone_median_s": round(clone_median, 3),
        "clone_max_s": round(max(clone_times), 3),
        "migrate_median_s": round(migrate_median, 3),
        "migrate_max_s": round(max(migrate_times), 3),
        "speed_up": round(migrate_median / clone_median, 1) if clone_median else None,
        "template_build_s": round(template_seconds, 3),
        "command_wall_s": round(command_seconds, 3),
        "plan_s": round(plan_seconds, 3),
        "scale": points,
    }
    print(f"platform (clone of the template): median {clone_median:.3f} s over {RUNS} creations")
    print(f"plain migrations (the other way): median {migrate_median:.3f} s over {RUNS} creations")
    print(f"template build (once per migration change): {template_seconds:.3f} s")
    print(f"management command, process included: {command_seconds:.3f} s")
    # The goal is the creation itself (schema ready); the command's wall time adds Python and
    # Django start-up, reported beside it.
    goals = {"create_max_s": GOAL_SECONDS}
    met = max(clone_times) <= GOAL_SECONDS
    if points:
        first, last = points[SCALE[0]], points[SCALE[-1]]
        ratio = last["create_median_s"] / first["create_median_s"]
        figures["scale_ratio"] = round(ratio, 2)
        goals |= {f"create_at_{SCALE[-1]}_max_s": GOAL_SECONDS, "scale_ratio_max": SCALE_RATIO}
        met = met and last["create_median_s"] <= GOAL_SECONDS and ratio <= SCALE_RATIO
    print(json.dumps({"bench": "tenants", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
