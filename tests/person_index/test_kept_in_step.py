"""The national person index is kept in step, in the writing transaction, on every path that
creates, edits, archives, imports or erases people (issue 19, point 1); it holds keys only."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import retention
from jurisdiction_apps.casefile.models import ErasureReason
from jurisdiction_apps.people import services as people_services
from jurisdiction_apps.people.models import Person
from onboarding.imports.people import PeopleImporter
from shared.person_index.models import Entry, Lookup
from tenants.constants import Role
from tests.factories import MembershipFactory
from tests.onboarding.test_import_people import appi_file, appi_row
from tests.people.helpers import agent_client, person_data

from .helpers import entries, expected, keys_of, new_person

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def ago(days: int):
    return timezone.now() - days * DAY


@pytest.fixture
def agent(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.DPIP).user


# --- the person form and the people services ------------------------------------------------
def test_the_person_form_creates_then_edits_the_entry(alpha):
    client = agent_client(alpha, Role.BEX)
    response = client.post("/personnes/nouvelle/", person_data(appi_number="202611112222"))
    assert response.status_code == 302
    with tenant_context(alpha):
        person = Person.objects.get()
    assert entries(alpha) == {
        person.pk: (*keys_of("Dupont", "Jean-Pierre", date(1985, 6, 15), "202611112222"), False)
    }

    response = client.post(
        f"/personnes/{person.pk}/modifier/",
        person_data(last_name="Dupont-Moreau", appi_number="202611112222"),
    )
    assert response.status_code == 302
    assert entries(alpha) == {
        person.pk: (
            *keys_of("DUPONT-MOREAU", "Jean-Pierre", date(1985, 6, 15), "202611112222"),
            False,
        )
    }
    assert entries(alpha) == expected(alpha)


def test_a_refused_form_writes_no_entry(alpha):
    client = agent_client(alpha, Role.BEX)
    response = client.post("/personnes/nouvelle/", person_data(birth_date="2090-01-01"))
    assert response.status_code == 200
    assert not Entry.objects.exists()


def test_archive_and_unarchive_through_the_service_and_the_page(alpha, agent):
    person = new_person(alpha)
    with tenant_context(alpha):
        people_services.set_archived(person, True, acting_user=agent)
    assert entries(alpha)[person.pk][2] is True
    with tenant_context(alpha):
        people_services.set_archived(person, False, acting_user=agent)
    assert entries(alpha)[person.pk][2] is False

    client = agent_client(alpha, Role.DPIP)
    client.post(f"/personnes/{person.pk}/archiver/", {"action": "archiver"})
    assert entries(alpha)[person.pk][2] is True
    client.post(f"/personnes/{person.pk}/archiver/", {"action": "desarchiver"})
    assert entries(alpha) == expected(alpha)
    assert entries(alpha)[person.pk][2] is False


# --- the import of people (bulk create and bulk update) -------------------------------------
def test_the_import_apply_path_writes_and_updates_entries(alpha):
    def run(data: bytes):
        with tenant_context(alpha):
            importer = PeopleImporter(alpha)
            plan = importer.analyse(data)
            importer.apply(plan, acting_user=None)
            return plan

    plan = run(appi_file(appi_row(), appi_row(last="BERNARD", number="n°202633334444")))
    assert plan.counts()["create"] == 2
    assert len(entries(alpha)) == 2
    assert entries(alpha) == expected(alpha)
    with tenant_context(alpha):
        martin = Person.objects.get(appi_number="202611112222")
    assert entries(alpha)[martin.pk][:2] == keys_of(
        "MARTIN", "Léa", date(1990, 9, 6), "202611112222"
    )

    plan = run(appi_file(appi_row(last="MARTIN-ROUX")))
    assert plan.counts()["update"] == 1
    assert entries(alpha)[martin.pk][:2] == keys_of(
        "MARTIN-ROUX", "Léa", date(1990, 9, 6), "202611112222"
    )
    assert entries(alpha) == expected(alpha)


def test_an_import_that_fails_leaves_no_entry(alpha, monkeypatch):
    from onboarding.imports import people as people_import

    real = people_import._person

    def fails_on_the_second(row):
        if row.line == 3:
            raise RuntimeError("worker killed")
        return real(row)

    monkeypatch.setattr(people_import, "_person", fails_on_the_second)
    monkeypatch.setattr(PeopleImporter, "progress_every", 1)
    with tenant_context(alpha):
        importer = PeopleImporter(alpha)
        plan = importer.analyse(
            appi_file(appi_row(), appi_row(last="BERNARD", number="n°202633334444"))
        )
        with pytest.raises(RuntimeError):
            importer.apply(plan, acting_user=None)
        assert not Person.objects.exists()
    assert not Entry.objects.exists()


# --- raw SQL, and a rollback ----------------------------------------------------------------
def _raw_copy(person_id: int, *, last_name: str, identity: str) -> int:
    """INSERT a person by raw SQL (every column copied from another, keys as given)."""
    columns = [f.column for f in Person._meta.concrete_fields if f.column != "id"]
    replaced = {
        "last_name": "%(last_name)s",
        "phone": "''",
        "appi_number": "''",
        "index_appi_key": "''",
        "index_identity_key": "%(identity)s",
    }
    select = ", ".join(replaced.get(column, column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO people_person ({', '.join(columns)}) "
            f"SELECT {select} FROM people_person WHERE id = %(id)s RETURNING id",
            {"id": person_id, "last_name": last_name, "identity": identity},
        )
        return cursor.fetchone()[0]


def test_raw_sql_insert_update_and_delete_keep_the_index_in_step(alpha):
    person = new_person(alpha)
    with tenant_context(alpha):
        copy = _raw_copy(person.pk, last_name="AUTRE", identity="a" * 64)
    assert entries(alpha)[copy] == ("", "a" * 64, False)
    with tenant_context(alpha), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET index_identity_key = %s, archived_at = now() WHERE id = %s",
            ["b" * 64, copy],
        )
    assert entries(alpha)[copy] == ("", "b" * 64, True)
    with tenant_context(alpha), connection.cursor() as cursor:
        # A change of a column the index does not hold leaves the entry as it is.
        Entry.objects.filter(person_id=copy).update(updated_at=ago(3))
        cursor.execute("UPDATE people_person SET city = 'PUTEAUX' WHERE id = %s", [copy])
    assert Entry.objects.get(person_id=copy).updated_at < ago(2)
    with tenant_context(alpha), connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_person WHERE id = %s", [copy])
    assert set(entries(alpha)) == {person.pk}


def test_an_update_writes_a_missing_entry_and_only_changed_ones(alpha):
    """The update trigger reads the new rows only (no join of its two transition tables, ADR
    0025): a person without an entry gets one, an entry that already says the same is kept."""
    person, other = new_person(alpha, 1), new_person(alpha, 2)
    Entry.objects.filter(person_id=person.pk).delete()
    Entry.objects.filter(person_id=other.pk).update(updated_at=ago(3))
    with tenant_context(alpha):
        Person.objects.filter(pk__in=[person.pk, other.pk]).update(city="PUTEAUX")
    assert entries(alpha) == expected(alpha) and set(entries(alpha)) == {person.pk, other.pk}
    assert Entry.objects.get(person_id=other.pk).updated_at < ago(2)


def test_a_bulk_update_after_a_one_person_edit_on_the_same_connection(alpha):
    """The statements of the index triggers are planned at each call (EXECUTE): the plan of a
    one-row edit is not the one a batch of many people runs with (and the other way round)."""
    people = [new_person(alpha, number) for number in range(1, 29)]
    with tenant_context(alpha):
        Person.objects.filter(pk=people[0].pk).update(archived_at=timezone.now())
        Person.objects.filter(pk__in=[p.pk for p in people]).update(archived_at=timezone.now())
        Person.objects.filter(pk=people[1].pk).update(archived_at=None)
    archived = {pk: flags[2] for pk, flags in entries(alpha).items()}
    assert archived == {p.pk: p.pk != people[1].pk for p in people}


def test_a_rolled_back_creation_leaves_no_entry(alpha):
    with tenant_context(alpha), pytest.raises(RuntimeError), transaction.atomic():
        Person.objects.create(
            last_name="FUGACE", first_names="Ilda", birth_date=date(1980, 1, 2), city="X"
        )
        assert Entry.objects.filter(jurisdiction=alpha).count() == 1  # same transaction
        raise RuntimeError("rolled back")
    assert not Entry.objects.exists()


def test_each_jurisdiction_writes_its_own_entries(alpha, beta):
    mine, theirs = new_person(alpha, 1), new_person(beta, 1)
    assert set(entries(alpha)) == {mine.pk} and set(entries(beta)) == {theirs.pk}
    # Same identity in both: same keys (what the duplicate warnings and national counts use).
    assert entries(alpha)[mine.pk] == entries(beta)[theirs.pk]


# --- the retention job and the erasure on request -------------------------------------------
def test_the_retention_job_archives_then_erases_and_the_index_follows(alpha):
    idle = new_person(alpha, 1)
    old = new_person(alpha, 2)
    kept = new_person(alpha, 3)
    with tenant_context(alpha):
        Person.objects.filter(pk__in=[idle.pk, old.pk]).update(created_at=ago(800))
        Person.objects.filter(pk=old.pk).update(archived_at=ago(700))
    Lookup.objects.create(asking=alpha, found=alpha, found_person_id=old.pk, context="form")
    with tenant_context(alpha):
        outcome = retention.run()
    assert outcome.counts["people_archive"] == 1 and outcome.counts["people_erase"] == 1
    assert entries(alpha) == expected(alpha)
    assert entries(alpha)[idle.pk][2] is True and entries(alpha)[kept.pk][2] is False
    assert old.pk not in entries(alpha)
    assert not Lookup.objects.exists()


def test_erasure_on_request_removes_the_entry_and_the_look_ups_naming_the_person(
    alpha, beta, agent
):
    erased, other = new_person(alpha, 1), new_person(alpha, 2)
    elsewhere = new_person(beta, 1)
    Lookup.objects.bulk_create(
        [
            # alpha registered them and found beta's record; beta did the same, finding them.
            Lookup(asking=alpha, asking_person_id=erased.pk, found=beta, found_person_id=7),
            Lookup(
                asking=beta, asking_person_id=elsewhere.pk, found=alpha, found_person_id=erased.pk
            ),
            # Not them: the same local id in another jurisdiction, another person of alpha.
            Lookup(asking=beta, asking_person_id=erased.pk, found=alpha, found_person_id=other.pk),
            Lookup(asking=alpha, asking_person_id=other.pk, found=beta, found_person_id=erased.pk),
        ]
    )
    with tenant_context(alpha):
        retention.erase_now(
            Person.objects.get(pk=erased.pk),
            reason=ErasureReason.UNLAWFUL,
            detail="Doublon",
            acting_user=agent,
        )
    assert set(entries(alpha)) == {other.pk}
    assert set(entries(beta)) == {elsewhere.pk}
    remaining = set(
        Lookup.objects.values_list(
            "asking__slug", "asking_person_id", "found__slug", "found_person_id"
        )
    )
    assert remaining == {
        ("beta", erased.pk, "alpha", other.pk),
        ("alpha", other.pk, "beta", erased.pk),
    }


def test_a_failed_erasure_keeps_the_entry_and_the_look_ups(alpha, agent, monkeypatch):
    person = new_person(alpha, 1)
    Lookup.objects.create(asking=alpha, asking_person_id=person.pk, found=alpha, found_person_id=9)
    from shared.retention import registry

    def dies(identifiers):
        raise RuntimeError("worker killed")

    registry.register_erasure_hook(dies)
    try:
        with tenant_context(alpha), pytest.raises(RuntimeError):
            retention.erase_now(
                Person.objects.get(pk=person.pk),
                reason=ErasureReason.OTHER,
                detail="",
                acting_user=agent,
            )
    finally:
        registry._erasure_hooks.remove(dies)
    assert set(entries(alpha)) == {person.pk}
    assert Lookup.objects.count() == 1


# --- keys only in the public schema ---------------------------------------------------------
def test_the_public_tables_of_the_index_hold_keys_only(alpha, beta):
    person = new_person(
        alpha, 1, phone="+33687001923", no_mobile_phone=False, appi_number="2026123456789"
    )
    Lookup.objects.create(asking=beta, found=alpha, found_person_id=person.pk, context="form")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name IN (%s, %s) ORDER BY 1, 2",
            [Entry._meta.db_table, Lookup._meta.db_table],
        )
        columns = cursor.fetchall()
        cursor.execute(
            f"SELECT row_to_json(e)::text FROM {Entry._meta.db_table} e "
            f"UNION ALL SELECT row_to_json(l)::text FROM {Lookup._meta.db_table} l"
        )
        rows = " ".join(row for (row,) in cursor.fetchall()).lower()
    assert columns == sorted(
        [(Entry._meta.db_table, c) for c in ("id", "jurisdiction_id", "person_id", "appi_key",
                                             "identity_key", "archived", "updated_at")]
        + [(Lookup._meta.db_table, c) for c in ("id", "asking_id", "asking_person_id", "agent_id",
                                               "found_id", "found_person_id", "context", "at")]
    )  # fmt: skip
    for needle in ("varneli", "anselme", "1979-03-01", "01/03/1979", "687001923", "123456789"):
        assert needle not in rows
    assert person.index_appi_key in rows and person.index_identity_key in rows
