"""``copy_new``: the imports' COPY of new rows gives each instance its row's key, runs the
fields' ``pre_save`` and fires the triggers like any insert (audit, national person index)."""

from datetime import date

from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from onboarding.imports.base import copy_new
from shared.person_index.models import Entry


def _people(count: int) -> list[Person]:
    people = []
    for number in range(count):
        person = Person(
            last_name=f"COPIE{number}",
            first_names="Jeanne",
            birth_date=date(1990, 1, 1 + number),
            appi_number=f"20260000{number:04d}",
        )
        person.fill_derived_fields()
        people.append(person)
    return people


def test_each_instance_gets_the_key_of_its_row_and_the_triggers_fire(alpha):
    started = timezone.now()
    with tenant_context(alpha):
        first = Person.objects.create(
            last_name="AVANT", first_names="A", birth_date=date(1980, 1, 1)
        )
        people = _people(3)
        copy_new(Person, people)
        stored = {p.pk: p for p in Person.objects.filter(pk__in=[p.pk for p in people])}
        audited = set(
            Person.pgh_event_model.objects.filter(pgh_label="insert").values_list(
                "pgh_obj_id", flat=True
            )
        )
    assert len({p.pk for p in people}) == 3 and all(p.pk > first.pk for p in people)
    for person in people:
        assert stored[person.pk].last_name == person.last_name  # the key names its own row
        assert stored[person.pk].created_at >= started  # auto_now_add ran
        assert stored[person.pk].hold_reason == ""
        assert not person._state.adding
    assert {p.pk for p in people} <= audited
    entries = Entry.objects.filter(jurisdiction=alpha, person_id__in=[p.pk for p in people])
    assert sorted(entries.values_list("appi_key", flat=True)) == sorted(
        p.index_appi_key for p in people
    )


def test_nothing_to_copy_runs_no_query(alpha, django_assert_num_queries):
    with tenant_context(alpha), django_assert_num_queries(0):
        copy_new(Person, [])
