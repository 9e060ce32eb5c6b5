"""Reading the rules and recording what each run did (public schema)."""

import logging
from datetime import timedelta

from django.utils import timezone

from .constants import DEFAULTS, Category
from .models import Rule, RuleVersion, Run, RunState, Tally

logger = logging.getLogger(__name__)

# A run still "running" after this long was killed (worker lost, deploy): it is marked so.
STALE_AFTER = timedelta(hours=6)


def current_rules() -> dict[str, Rule]:
    """The national table; a category missing from it (a new one, before its migration ran)
    falls back on its default, so the job never runs without a rule."""
    rules = Rule.objects.all().as_map()
    for position, default in enumerate(DEFAULTS):
        if default["category"] not in rules:
            rules[default["category"]] = Rule(position=position, **default)
    return rules


def start_run(jurisdiction) -> Run:
    Run.objects.filter(
        jurisdiction=jurisdiction,
        state=RunState.RUNNING,
        started_at__lt=timezone.now() - STALE_AFTER,
    ).update(state=RunState.FAILED, error="interrompu")
    return Run.objects.create(jurisdiction=jurisdiction)


def record_tally(run: Run, category: str, count: int) -> None:
    """Add ``count`` to the run's figure of ``category`` (each batch commits, so does this)."""
    tally, _ = Tally.objects.get_or_create(run=run, category=category)
    Tally.objects.filter(pk=tally.pk).update(count=tally.count + count)


def finish_run(run: Run, *, longest_ms: int, error: BaseException | None = None) -> Run:
    run.finished_at = timezone.now()
    run.seconds = (run.finished_at - run.started_at).total_seconds()
    run.longest_transaction_ms = longest_ms
    run.state = RunState.FAILED if error else RunState.DONE
    run.error = type(error).__name__ if error else ""
    run.save(update_fields=["finished_at", "seconds", "longest_transaction_ms", "state", "error"])
    return run


def record_rule_change(rule: Rule, previous: Rule | None, user) -> None:
    before = previous.duration_label if previous and previous.amount is not None else ""
    RuleVersion.objects.create(
        rule=rule,
        amount=rule.amount,
        unit=rule.unit,
        previous=before,
        changed_by=user if getattr(user, "pk", None) else None,
    )


def last_runs(jurisdiction=None, limit: int = 10):
    runs = Run.objects.select_related("jurisdiction").prefetch_related("tallies")
    if jurisdiction is not None:
        runs = runs.filter(jurisdiction=jurisdiction)
    return runs[:limit]


def latest_run_per_jurisdiction() -> dict[int, Run]:
    runs = (
        Run.objects.filter(on_request=False)
        .order_by("jurisdiction_id", "-started_at", "-pk")
        .distinct("jurisdiction_id")
        .prefetch_related("tallies")
    )
    return {run.jurisdiction_id: run for run in runs}


def has_erased_people(jurisdiction) -> bool:
    """Whether the retention job, or an agent on request, ever erased someone there."""
    return Tally.objects.filter(
        run__jurisdiction_id=jurisdiction.pk, category=Category.PEOPLE_ERASE, count__gt=0
    ).exists()


def record_erasure_on_request(jurisdiction) -> Run:
    """An agent's erasure of one person, counted like the job's (the national figures and the
    local admin's page see it); the tenant's Erasure row says when, by whom and why."""
    now = timezone.now()
    run = Run.objects.create(
        jurisdiction=jurisdiction,
        on_request=True,
        state=RunState.DONE,
        finished_at=now,
        seconds=0,
    )
    Tally.objects.create(run=run, category=Category.PEOPLE_ERASE, count=1)
    return run
