import logging
import time

from celery import current_app, shared_task
from django.utils import timezone
from django_tenants.utils import tenant_context

from .models import Jurisdiction
from .wake import finder_for

logger = logging.getLogger(__name__)


def _fan_out(jurisdictions, task_name: str, which: str) -> int:
    """Send ``task_name`` once in the schema of each jurisdiction (the message carries it)."""
    count = 0
    for jurisdiction in jurisdictions.only("pk", "schema_name").iterator():
        with tenant_context(jurisdiction):
            current_app.send_task(task_name)
        count += 1
    logger.info("periodic %s sent to %d jurisdictions (%s)", task_name, count, which)
    return count


@shared_task(name="platform.run_in_live_jurisdictions")
def run_in_live_jurisdictions(task_name: str) -> int:
    """Send ``task_name`` once in the schema of every live jurisdiction.

    Beat calls this from the public schema; each message carries the jurisdiction's schema, so the
    worker runs it there. Jurisdictions still onboarding or suspended get nothing.
    """
    return _fan_out(Jurisdiction.objects.live(), task_name, "live")


@shared_task(name="platform.run_in_every_jurisdiction")
def run_in_every_jurisdiction(task_name: str) -> int:
    """Send ``task_name`` in the schema of every jurisdiction, live or not (statistics: the
    months before going live are the baseline of the product's impact)."""
    return _fan_out(Jurisdiction.objects.tenants(), task_name, "all")


def _wake(jurisdictions, task_name: str, which: str) -> int:
    """Send ``task_name`` only to the jurisdictions its registered finder says have work."""
    finder = finder_for(task_name)
    if finder is None:
        return _fan_out(jurisdictions, task_name, which)
    started = time.perf_counter()
    scope = list(jurisdictions.values_list("pk", "schema_name"))
    try:
        with_work = finder(scope, timezone.now())
    except Exception:  # a finder's bug must not stop the work: every jurisdiction, as before
        logger.exception("periodic %s: finder failed, sent to every jurisdiction", task_name)
        return _fan_out(jurisdictions, task_name, which)
    woken = jurisdictions.filter(pk__in=with_work)
    count = _fan_out(woken, task_name, which) if with_work else 0
    logger.info(
        "periodic %s: %d of %d jurisdictions have work (%.0f ms)",
        task_name,
        count,
        len(scope),
        (time.perf_counter() - started) * 1000,
    )
    return count


@shared_task(name="platform.wake_live_jurisdictions")
def wake_live_jurisdictions(task_name: str) -> int:
    """Send ``task_name`` to the live jurisdictions that have work for it (tenants/wake.py)."""
    return _wake(Jurisdiction.objects.live(), task_name, "live")


@shared_task(name="platform.wake_every_jurisdiction")
def wake_every_jurisdiction(task_name: str) -> int:
    """Send ``task_name`` to the jurisdictions, live or not, that have work for it."""
    return _wake(Jurisdiction.objects.tenants(), task_name, "all")
