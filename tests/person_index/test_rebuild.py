"""manage.py rebuild_person_index: repairs deliberate drift; --check reports it (counts only, exit
status 1); --rehash re-keys every person after a new PERSON_INDEX_SECRET (issue 19, point 1)."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person, PersonAudit
from shared.person_index import maintenance
from shared.person_index.models import Entry
from tenants.models import Jurisdiction

from .helpers import entries, expected, new_person

pytestmark = pytest.mark.django_db


def command(*args) -> str:
    out = io.StringIO()
    call_command("rebuild_person_index", *args, stdout=out)
    return out.getvalue()


def drift_everywhere(alpha, beta):
    """Three people in alpha, one in beta; then an entry lost, one invented, one altered in
    alpha, and a transferred person left in the index (the trigger bypassed by hand)."""
    lost, altered, archived = (new_person(alpha, n) for n in (1, 2, 3))
    transferred = new_person(beta, 4)
    with tenant_context(beta):
        Person.objects.filter(pk=transferred.pk).update(transferred_at=timezone.now())
    with tenant_context(alpha):
        Person.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    Entry.objects.filter(jurisdiction=alpha, person_id=lost.pk).delete()
    Entry.objects.create(jurisdiction=alpha, person_id=999999, identity_key="f" * 64)
    Entry.objects.filter(person_id=altered.pk).update(identity_key="e" * 64)
    Entry.objects.filter(person_id=archived.pk).update(archived=False)
    Entry.objects.create(jurisdiction=beta, person_id=transferred.pk, identity_key="d" * 64)


def test_check_reports_drift_per_jurisdiction_then_rebuild_repairs_it(alpha, beta, gamma):
    untouched = new_person(gamma, 5)
    drift_everywhere(alpha, beta)

    assert maintenance.check(alpha) == maintenance.Drift(missing=1, extra=1, differing=2)
    assert maintenance.check(beta) == maintenance.Drift(extra=1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 juridiction"):
        call_command("rebuild_person_index", "--check", stdout=out)
    lines = out.getvalue().splitlines()
    assert "alpha : écart — manquantes 1, en trop 1, différentes 2, clés à recalculer 0" in lines
    assert "beta : écart — manquantes 0, en trop 1, différentes 0, clés à recalculer 0" in lines
    assert "gamma : à jour — manquantes 0, en trop 0, différentes 0, clés à recalculer 0" in lines
    # Counts only: no key, no name, no local id in the report.
    assert "VARNELI" not in out.getvalue() and "999999" not in out.getvalue()
    assert "f" * 64 not in out.getvalue()

    out = command()
    assert "alpha : 3 entrées" in out and "beta : 0 entrées" in out and "gamma : 1 entrées" in out
    for jurisdiction in (alpha, beta, gamma):
        assert entries(jurisdiction) == expected(jurisdiction)
        assert maintenance.check(jurisdiction).total == 0
    assert untouched.pk in entries(gamma)
    command("--check")  # no drift: no error


def test_rebuilding_one_jurisdiction_leaves_the_others_alone(alpha, beta):
    drift_everywhere(alpha, beta)
    command("--jurisdiction", "alpha")
    assert entries(alpha) == expected(alpha)
    assert maintenance.check(beta).extra == 1
    with pytest.raises(CommandError, match="Juridiction inconnue"):
        command("--jurisdiction", "nulle-part")


def test_a_jurisdiction_without_a_schema_yet_is_skipped(alpha):
    new_person(alpha, 1)
    Jurisdiction.objects.create(slug="en-creation", name="En création", schema_name="j_en_creation")
    out = command()
    assert "en-creation : pas encore de schéma, ignorée." in out
    assert "alpha : 1 entrées" in out
    out = io.StringIO()
    call_command("rebuild_person_index", "--check", stdout=out)
    assert "en-creation : pas encore de schéma, ignorée." in out.getvalue()


def test_rehash_after_a_new_secret(alpha, beta, settings):
    people = [
        new_person(alpha, 1, appi_number="2026000000011"),
        new_person(alpha, 2),
        new_person(beta, 1, appi_number="2026000000011"),
    ]
    before = {**entries(alpha), **{-k: v for k, v in entries(beta).items()}}
    with tenant_context(alpha):
        audit_before = PersonAudit.objects.count()
    settings.PERSON_INDEX_SECRET = "a-rotated-secret-for-the-person-index-tests"

    assert maintenance.check(alpha) == maintenance.Drift(stale_keys=2)
    with pytest.raises(CommandError):
        command("--check")
    out = command("--rehash")
    assert "alpha : 2 entrées, clés recalculées pour 2 personnes" in out
    assert "beta : 1 entrées, clés recalculées pour 1 personnes" in out
    after = {**entries(alpha), **{-k: v for k, v in entries(beta).items()}}
    assert set(after) == set(before)
    assert all(after[k][:2] != before[k][:2] for k in after)  # every key changed
    assert entries(alpha) == expected(alpha) and entries(beta) == expected(beta)
    # The same person in both jurisdictions still has the same keys.
    assert entries(alpha)[people[0].pk] == entries(beta)[people[2].pk]
    with tenant_context(alpha):
        stored = Person.objects.get(pk=people[1].pk)
        assert stored.index_identity_key == entries(alpha)[people[1].pk][1]
        # A re-keying is not a change of anyone's data: no audit event.
        assert PersonAudit.objects.count() == audit_before
    assert "clés recalculées pour 0 personnes" in command("--rehash", "--jurisdiction", "alpha")
    command("--check")


def test_rehash_works_batch_by_batch(alpha, settings, monkeypatch):
    monkeypatch.setattr(maintenance, "REHASH_BATCH", 2)
    for number in range(1, 6):
        new_person(alpha, number, birth_date=date(1980, 1, number))
    settings.PERSON_INDEX_SECRET = "another-rotated-secret-for-the-person-index"
    assert maintenance.rehash(alpha) == 5
    maintenance.rebuild(alpha)
    assert entries(alpha) == expected(alpha)
    assert maintenance.rehash(alpha, dry_run=True) == 0


def test_rebuild_runs_in_one_transaction_per_jurisdiction(alpha):
    """A rebuild that fails midway leaves the jurisdiction's entries as they were."""
    people = [new_person(alpha, n) for n in (1, 2)]
    Entry.objects.filter(person_id=people[0].pk).delete()
    original = maintenance.REBUILD_SQL
    try:
        # The INSERT fails after the DELETE has run.
        maintenance.REBUILD_SQL = original.replace("p.id,", "1 / 0 + p.id,")
        with pytest.raises(Exception, match="division by zero"):
            maintenance.rebuild(alpha)
    finally:
        maintenance.REBUILD_SQL = original
    assert set(entries(alpha)) == {people[1].pk}


def test_check_and_rehash_do_not_go_together(alpha):
    with pytest.raises(CommandError, match="not allowed with"):
        command("--check", "--rehash")
