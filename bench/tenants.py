"""Time to create one more jurisdiction: what the platform does (clone the template schema kept in
step with the migrations, docs/adr/0013) against the other way (run every migration), same run.

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

from tenants.models import Jurisdiction  # noqa: E402
from tenants.services import (  # noqa: E402
    CLONE,
    MIGRATE,
    JurisdictionSpec,
    create_jurisdiction,
    ensure_public_tenant,
    ensure_template_schema,
)

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
GOAL_SECONDS = 3.0


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
    }
    print(f"platform (clone of the template): median {clone_median:.3f} s over {RUNS} creations")
    print(f"plain migrations (the other way): median {migrate_median:.3f} s over {RUNS} creations")
    print(f"template build (once per migration change): {template_seconds:.3f} s")
    print(f"management command, process included: {command_seconds:.3f} s")
    # The goal is the creation itself (schema ready); the command's wall time adds Python and
    # Django start-up, reported beside it.
    goals = {"create_max_s": GOAL_SECONDS}
    met = max(clone_times) <= GOAL_SECONDS
    print(json.dumps({"bench": "tenants", "figures": figures, "goals": goals, "met": met}))


if __name__ == "__main__":
    main()
