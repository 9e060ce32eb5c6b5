"""Time to create one more jurisdiction: plain migrations (what the platform does) against
cloning a template schema (django-tenants' clone, the fallback named in docs/adr/0002).

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
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_tenants.utils import schema_exists  # noqa: E402

from tenants.models import Jurisdiction  # noqa: E402
from tenants.services import JurisdictionSpec, create_jurisdiction, ensure_public_tenant  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TEMPLATE = "j_bench_template"
GOAL_SECONDS = 3.0


def drop(slug_prefix: str) -> None:
    for jurisdiction in Jurisdiction.objects.filter(slug__startswith=slug_prefix):
        jurisdiction.delete(force_drop=True)


def timed_creations(prefix: str) -> list[float]:
    times = []
    for index in range(RUNS):
        started = time.perf_counter()
        create_jurisdiction(JurisdictionSpec(slug=f"{prefix}{index}", name=f"Banc {index}"))
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    drop("bench-")

    migrate_times = timed_creations("bench-m")

    # Baseline: clone a template schema kept migrated, then fake the migrations.
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{TEMPLATE}" CASCADE')
        cursor.execute(f'CREATE SCHEMA "{TEMPLATE}"')
    started = time.perf_counter()
    call_command("migrate_schemas", schema_name=TEMPLATE, interactive=False, verbosity=0)
    template_seconds = time.perf_counter() - started
    assert schema_exists(TEMPLATE)
    with override_settings(TENANT_BASE_SCHEMA=TEMPLATE, TENANT_CREATION_FAKES_MIGRATIONS=True):
        clone_times = timed_creations("bench-c")

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
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{TEMPLATE}" CASCADE')

    migrate_median = statistics.median(migrate_times)
    clone_median = statistics.median(clone_times)
    figures = {
        "runs": RUNS,
        "migrate_median_s": round(migrate_median, 3),
        "migrate_max_s": round(max(migrate_times), 3),
        "clone_baseline_median_s": round(clone_median, 3),
        "clone_baseline_max_s": round(max(clone_times), 3),
        "clone_template_prepare_s": round(template_seconds, 3),
        "command_wall_s": round(command_seconds, 3),
    }
    print(f"plain migrations: median {migrate_median:.3f} s over {RUNS} creations")
    print(f"clone baseline:   median {clone_median:.3f} s over {RUNS} creations")
    print(f"management command, process included: {command_seconds:.3f} s")
    # The goal is the creation itself (schema ready); the command's wall time adds Python and
    # Django start-up, reported beside it.
    goals = {"create_max_s": GOAL_SECONDS}
    met = max(migrate_times) <= GOAL_SECONDS
    print(json.dumps({"bench": "tenants", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
