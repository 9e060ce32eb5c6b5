"""The list of people: search by name, phone or APPI number, archives, pagination."""

from datetime import date

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person

from .helpers import make_person, page_text

LIST_URL = "/personnes/"


@pytest.fixture
def people(alpha):
    return {
        "francois": make_person(
            alpha,
            last_name="FRANÇOIS",
            first_names="Hélène",
            phone="+33612345678",
            no_mobile_phone=False,
            appi_number="12345678",
        ),
        "durand": make_person(
            alpha,
            last_name="DURAND",
            first_names="Paul",
            phone="+33698765432",
            no_mobile_phone=False,
            refuses_sms=True,
            appi_number="123456789012A",
        ),
    }


def names_in(response) -> list[str]:
    return [person.last_name for person in response.context["page"].object_list]


def test_list_shows_a_table_with_formatted_values(cpip_client, alpha, people):
    response = cpip_client.get(LIST_URL)
    assert response.status_code == 200
    assert names_in(response) == ["DURAND", "FRANÇOIS"]
    text = page_text(response)
    assert text.count("<h1") == 1
    assert '<div class="fr-table' in text
    assert "06 12 34 56 78" in text
    assert "Refuse les SMS" in text
    assert "Reçoit les SMS" in text
    assert "123456789012A" in text
    assert reverse("people:detail", args=[people["durand"].pk]) in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("francois", ["FRANÇOIS"]),
        ("FRANC", ["FRANÇOIS"]),
        ("helene fran", ["FRANÇOIS"]),
        ("06.12.34.56.78", ["FRANÇOIS"]),
        ("+33 6 12 34 56 78", ["FRANÇOIS"]),
        ("0033612345678", ["FRANÇOIS"]),
        ("12345678", ["FRANÇOIS"]),
        ("1234 5678 9012 a", ["DURAND"]),
        ("durand", ["DURAND"]),
        ("inconnu", []),
    ],
)
def test_search(cpip_client, alpha, people, query, expected):
    response = cpip_client.get(LIST_URL, {"q": query})
    assert response.status_code == 200
    assert names_in(response) == expected


def test_search_without_result_says_so(cpip_client, alpha, people):
    text = page_text(cpip_client.get(LIST_URL, {"q": "Zorglub"}))
    assert "Aucune personne ne correspond à « Zorglub »" in text


@pytest.mark.parametrize("query", ["x" * 101, "%%%", "'; DROP TABLE people_person; --"])
def test_odd_searches_never_fail(cpip_client, alpha, people, query):
    response = cpip_client.get(LIST_URL, {"q": query, "page": "abc"})
    assert response.status_code == 200
    assert names_in(response) == []


def test_too_long_search_explains_itself(cpip_client, alpha, people):
    response = cpip_client.get(LIST_URL, {"q": "x" * 101})
    assert "La recherche est trop longue (100 caractères au plus)." in page_text(response)


def test_archived_people_are_hidden_unless_asked(cpip_client, alpha, people):
    with tenant_context(alpha):
        Person.objects.get(pk=people["durand"].pk).archive()
    assert names_in(cpip_client.get(LIST_URL)) == ["FRANÇOIS"]
    assert names_in(cpip_client.get(LIST_URL, {"q": "durand"})) == []
    with_archives = cpip_client.get(LIST_URL, {"archives": "1"})
    assert names_in(with_archives) == ["DURAND", "FRANÇOIS"]
    assert "Archivée" in page_text(with_archives)
    assert names_in(cpip_client.get(LIST_URL, {"q": "durand", "archives": "1"})) == ["DURAND"]


def test_pagination_by_fifty(cpip_client, alpha):
    with tenant_context(alpha):
        Person.objects.bulk_create(
            Person(
                last_name=f"NOM{index:03d}",
                first_names="Test",
                birth_date=date(1980, 1, 1),
                search_name=f"nom{index:03d} test",
            )
            for index in range(51)
        )
    first = cpip_client.get(LIST_URL)
    assert len(first.context["page"].object_list) == 50
    assert "Page suivante" in page_text(first)
    second = cpip_client.get(LIST_URL, {"page": "2"})
    assert names_in(second) == ["NOM050"]
    beyond = cpip_client.get(LIST_URL, {"page": "99"})
    assert names_in(beyond) == ["NOM050"]


def test_pagination_keeps_the_search(cpip_client, alpha):
    with tenant_context(alpha):
        Person.objects.bulk_create(
            Person(
                last_name="DUPONT",
                first_names=f"Jean{index:03d}",
                birth_date=date(1980, 1, 1),
                search_name=f"dupont jean{index:03d}",
            )
            for index in range(55)
        )
    text = page_text(cpip_client.get(LIST_URL, {"q": "dupont"}))
    assert "?q=dupont&page=2" in text


def test_list_of_one_jurisdiction_never_shows_another(cpip_client, alpha, beta):
    make_person(beta, last_name="BETANIEN")
    make_person(alpha, last_name="ALPHANIEN")
    assert names_in(cpip_client.get(LIST_URL)) == ["ALPHANIEN"]
