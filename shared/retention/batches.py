"""Small transactions for the nightly job: each batch commits on its own, takes only the rows no
one else holds (``SKIP LOCKED``), and the longest one is measured (agents and the SMS sweep never
wait behind the job; the run's summary says how long its longest transaction lasted).

What is due is read once, outside any transaction (a query over the whole table can take
seconds); each batch then locks its rows by primary key and checks again that they are still due
(a person booked or put on hold meanwhile is left alone). After each transaction the job pauses
in proportion to it (``RETENTION_PAUSE_RATIO``), so that live work gets the CPU and the disk.
"""

import time
from contextlib import contextmanager
from time import perf_counter

from django.conf import settings
from django.db import transaction

BATCH_SIZE = 2000


class Clock:
    """Times every transaction of a run (``longest_ms`` goes in the run's summary), and pauses
    after each one ``pause_ratio`` times its duration (default: ``RETENTION_PAUSE_RATIO``)."""

    def __init__(self, pause_ratio: float | None = None, sleep=time.sleep):
        self.longest_ms = 0
        self.transactions = 0
        self.paused_s = 0.0
        self.pause_ratio = settings.RETENTION_PAUSE_RATIO if pause_ratio is None else pause_ratio
        self._sleep = sleep

    @contextmanager
    def atomic(self):
        started = perf_counter()
        with transaction.atomic():
            yield
        elapsed = perf_counter() - started
        self.transactions += 1
        self.longest_ms = max(self.longest_ms, round(elapsed * 1000))
        self.pause(elapsed)

    def pause(self, elapsed: float) -> None:
        """Give way to live work: ``pause_ratio`` times the transaction just committed."""
        if self.pause_ratio > 0 and elapsed > 0:
            self.paused_s += elapsed * self.pause_ratio
            self._sleep(elapsed * self.pause_ratio)


def due_ids(queryset) -> list:
    """The primary keys of ``queryset``, read once, in order (no lock is taken)."""
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def chunks(ids: list, size: int):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def lock_still_due(queryset, ids: list) -> list:
    """In the caller's transaction: lock those of ``ids`` that ``queryset`` still matches and no
    one else holds; their primary keys."""
    return list(
        queryset.filter(pk__in=ids)
        .order_by()
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )


def _in_batches(queryset, apply, *, clock: Clock, dry_run: bool, batch_size: int) -> int:
    """Apply ``apply(rows)`` to the rows of ``queryset``, batch by batch, each batch locked in its
    own transaction (a row changed meanwhile so that it no longer matches is left alone)."""
    if dry_run:
        return queryset.count()
    rows = queryset.model._base_manager
    total = 0
    for chunk in chunks(due_ids(queryset), batch_size):
        with clock.atomic():
            ids = lock_still_due(queryset, chunk)
            if ids:
                apply(rows.filter(pk__in=ids))
        total += len(ids)
    return total


def delete_in_batches(queryset, *, clock: Clock, dry_run: bool, batch_size: int = BATCH_SIZE):
    """Delete the rows of ``queryset`` (a model no other row points to) batch by batch."""
    return _in_batches(
        queryset,
        lambda rows: rows._raw_delete(queryset.db),
        clock=clock,
        dry_run=dry_run,
        batch_size=batch_size,
    )


def update_in_batches(
    queryset, values: dict, *, clock: Clock, dry_run: bool, batch_size: int = BATCH_SIZE
) -> int:
    """Update the rows of ``queryset`` batch by batch (a row updated meanwhile so that it no
    longer matches is left alone)."""
    return _in_batches(
        queryset,
        lambda rows: rows.update(**values),
        clock=clock,
        dry_run=dry_run,
        batch_size=batch_size,
    )
