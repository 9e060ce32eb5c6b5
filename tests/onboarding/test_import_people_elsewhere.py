"""An import of people followed by another jurisdiction (issue 19, point 2): the preview counts
them with one query for the whole file, the apply records the look-ups in bulk."""

from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from onboarding.constants import ImportKind, ImportState
from onboarding.models import ImportJob
from shared.person_index.models import Lookup
from tests.auth import sign_in
from tests.factories import UserFactory
from tests.people.helpers import make_person

from .test_import_people import analyse, appi_file, appi_row, run


def seed_beta(alpha, beta) -> dict:
    """Beta follows two of the file's people; the other matches must not count."""
    seed = {
        "same_appi": make_person(beta, last_name="AUTRENOM", appi_number="202611112222"),
        "same_identity": make_person(
            beta, last_name="PETIT", first_names="Zoé Marie", birth_date=date(1992, 1, 5)
        ),
        # Archived at beta: no longer followed there.
        "archived": make_person(beta, last_name="ANCIEN", appi_number="202633334444"),
        # Same name and birth date, another APPI number: another person.
        "namesake": make_person(
            beta,
            last_name="HOMONYME",
            first_names="Paul",
            birth_date=date(1980, 2, 2),
            appi_number="202699990000",
        ),
    }
    with tenant_context(beta):
        Person.objects.get(pk=seed["archived"].pk).archive()
    return seed


def rows() -> bytes:
    return appi_file(
        appi_row("MARTIN", "Léa", "n°202611112222"),
        appi_row("PETIT", "Zoé", "", birth="05/01/1992"),
        appi_row("ANCIEN", "Léa", "n°202633334444"),
        appi_row("HOMONYME", "Paul", "n°202655556666", birth="02/02/1980"),
        appi_row("SEUL", "Noé", "n°202677778888"),
        appi_row("DEJAICI", "Léa", "n°202688889999"),
    )


def test_the_preview_counts_the_people_followed_elsewhere(alpha, beta):
    seed = seed_beta(alpha, beta)
    # Alpha itself already follows the last one: not "another jurisdiction".
    make_person(alpha, last_name="DEJAICI", appi_number="202688889999")
    plan = analyse(alpha, rows())
    assert plan.errors == []
    assert plan.preview()["followed_elsewhere"] == 2
    assert plan.followed_elsewhere == {
        2: [(beta.pk, seed["same_appi"].pk)],
        3: [(beta.pk, seed["same_identity"].pk)],
    }
    assert not Lookup.objects.exists()  # the analysis records nothing


def test_the_index_is_read_once_whatever_the_number_of_rows(alpha, beta):
    seed_beta(alpha, beta)
    many = appi_file(
        *(appi_row(f"NOM{index:03d}", "Léa", f"n°2026{index:08d}") for index in range(300))
    )
    with CaptureQueriesContext(connection) as captured:
        plan = analyse(alpha, many)
    assert plan.counts()["create"] == 300
    index_queries = [q for q in captured.captured_queries if "person_index_entry" in q["sql"]]
    assert len(index_queries) == 1
    assert "= ANY(" in index_queries[0]["sql"]


def test_the_apply_records_the_look_ups_of_the_rows_it_wrote(alpha, beta):
    seed = seed_beta(alpha, beta)
    officer = UserFactory(deployment_officer=True)
    with tenant_context(alpha):
        from onboarding.imports.people import PeopleImporter

        importer = PeopleImporter(alpha)
        plan = importer.analyse(rows())
        importer.apply(plan, acting_user=officer)
        martin = Person.objects.get(last_name="MARTIN").pk
        petit = Person.objects.get(last_name="PETIT").pk
    found = sorted(
        Lookup.objects.values_list(
            "asking_id", "asking_person_id", "agent_id", "found_id", "found_person_id", "context"
        )
    )
    assert found == sorted(
        [
            (alpha.pk, martin, officer.pk, beta.pk, seed["same_appi"].pk, "import"),
            (alpha.pk, petit, officer.pk, beta.pk, seed["same_identity"].pk, "import"),
        ]
    )
    # Re-importing the same export writes nothing new: its rows are unchanged.
    again = run(alpha, rows())
    assert again.followed_elsewhere and again.counts()["unchanged"] == 6
    assert Lookup.objects.count() == 2


def test_look_ups_are_in_the_apply_transaction(alpha, beta, monkeypatch):
    """A crash after the look-ups are written rolls them back with the people."""
    from onboarding.imports import people as people_import

    seed_beta(alpha, beta)
    original = people_import._record_lookups

    def record_then_crash(*args, **kwargs):
        original(*args, **kwargs)
        assert Lookup.objects.count() == 2  # written, in the open transaction
        raise RuntimeError("worker killed")

    monkeypatch.setattr(people_import, "_record_lookups", record_then_crash)
    try:
        run(alpha, rows())
    except RuntimeError:
        pass
    else:
        raise AssertionError("the apply should have crashed")
    connection.set_schema_to_public()
    assert not Lookup.objects.exists()
    with tenant_context(alpha):
        assert not Person.objects.exists()


def test_the_preview_page_says_how_many_are_followed_elsewhere(alpha):
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True))
    job = ImportJob.objects.create(
        jurisdiction=alpha,
        kind=ImportKind.PEOPLE,
        original_name="appi.csv",
        state=ImportState.ANALYSED,
        preview={"counts": {"create": 5}, "total_rows": 5, "followed_elsewhere": 3},
    )
    page = officer.get(f"/deploiement/imports/{job.pk}/").content.decode()
    assert "3 personnes sont déjà suivies par une autre juridiction" in page
    ImportJob.objects.filter(pk=job.pk).update(preview={**job.preview, "followed_elsewhere": 1})
    page = officer.get(f"/deploiement/imports/{job.pk}/").content.decode()
    assert "1 personne est déjà suivie par une autre juridiction" in page
    ImportJob.objects.filter(pk=job.pk).update(preview={**job.preview, "followed_elsewhere": 0})
    assert "suivies-ailleurs" not in officer.get(f"/deploiement/imports/{job.pk}/").content.decode()
