"""The job's batches (shared/retention/batches.py): the pause after each transaction, in
proportion to it, and the rows read as due once but checked again when their batch locks them."""

from datetime import date

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from shared.retention import batches
from shared.retention.batches import Clock, due_ids, lock_still_due, update_in_batches

pytestmark = pytest.mark.django_db


class FakeTime:
    """perf_counter returning the instants given, in turn."""

    def __init__(self, *instants):
        self.instants = list(instants)

    def __call__(self):
        return self.instants.pop(0)


def test_the_clock_pauses_after_each_transaction_in_proportion_to_it(monkeypatch):
    slept = []
    monkeypatch.setattr(batches, "perf_counter", FakeTime(10.0, 10.25, 20.0, 20.1))
    clock = Clock(pause_ratio=2, sleep=slept.append)
    with clock.atomic():
        pass
    with clock.atomic():
        pass
    assert slept == pytest.approx([0.5, 0.2])
    assert clock.longest_ms == 250 and clock.transactions == 2
    assert clock.paused_s == pytest.approx(0.7)


def test_a_ratio_of_zero_never_pauses(monkeypatch):
    slept = []
    monkeypatch.setattr(batches, "perf_counter", FakeTime(1.0, 3.0))
    clock = Clock(pause_ratio=0, sleep=slept.append)
    with clock.atomic():
        pass
    assert slept == [] and clock.longest_ms == 2000


def test_a_failed_transaction_is_not_followed_by_a_pause():
    slept = []
    clock = Clock(pause_ratio=2, sleep=slept.append)
    with pytest.raises(RuntimeError), clock.atomic():
        raise RuntimeError
    assert slept == [] and clock.transactions == 0


def test_the_ratio_comes_from_the_settings(settings):
    settings.RETENTION_PAUSE_RATIO = 3
    assert Clock().pause_ratio == 3
    settings.RETENTION_PAUSE_RATIO = 0
    assert Clock().pause_ratio == 0


def test_rows_read_as_due_are_checked_again_when_their_batch_locks_them(alpha):
    with tenant_context(alpha):
        people = [
            Person.objects.create(
                last_name=f"LOTTEST{n}", first_names="Ann", birth_date=date(1980, 1, n)
            )
            for n in (1, 2, 3)
        ]
        not_held = Person.objects.filter(pk__in=[p.pk for p in people], held_at__isnull=True)
        ids = due_ids(not_held)
        assert ids == sorted(p.pk for p in people)
        # Put on hold between the read and the batch: left alone.
        Person.objects.filter(pk=people[1].pk).update(
            held_at=timezone.now(), hold_reason="Procédure en cours"
        )
        assert sorted(lock_still_due(not_held, ids)) == [people[0].pk, people[2].pk]
        count = update_in_batches(
            not_held, {"city": "Puteaux"}, clock=Clock(pause_ratio=0), dry_run=False, batch_size=1
        )
        assert count == 2
        assert set(Person.objects.filter(city="Puteaux").values_list("pk", flat=True)) == {
            people[0].pk,
            people[2].pk,
        }
