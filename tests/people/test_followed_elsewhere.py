"""Registering a person followed by another jurisdiction (issue 19, point 2): the warning shown
once on the person's page, its transfer link, and the look-up recorded for both sides."""

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from shared.person_index.models import Entry, Lookup
from tenants.constants import Role
from tenants.models import Jurisdiction

from .helpers import agent_client, make_person, page_text, person_data

CREATE_URL = "/personnes/nouvelle/"
WARNING = "Suivi(e) aussi par : Juridiction Bêta (contact : SPIP de Bêta, 0262 11 22 33)"
ASK_LINK = "Demander le transfert vers notre juridiction"


@pytest.fixture
def dpip(alpha):
    return agent_client(alpha, Role.DPIP, first_name="Nora", last_name="Directrice")


def register(client, **overrides):
    response = client.post(CREATE_URL, person_data(**overrides))
    assert response.status_code == 302, page_text(response)
    return response


def new_person(alpha) -> Person:
    with tenant_context(alpha):
        return Person.objects.get()


def test_registration_shows_who_else_follows_the_person_once(alpha, beta, at_beta, dpip):
    response = register(dpip)
    page = page_text(dpip.get(response["Location"]))
    entry = Entry.objects.get(jurisdiction=beta, person_id=at_beta.pk)
    assert "La fiche de DUPONT Jean-Pierre a été enregistrée." in page
    assert WARNING in page
    assert ASK_LINK in page
    assert f'href="/transferts/demander/?entry={entry.pk}"' in page
    # Or the other way: this new record handed over to the service following the person.
    created = new_person(alpha)
    assert f'href="/transferts/personne/{created.pk}/?vers={beta.pk}"' in page
    assert "Confier le suivi à Juridiction Bêta" in page
    # Nothing of the other record: its phone, its city, its other first names.
    for private in ("0692 99 88 77", "+262692998877", "SAINT-PIERRE", "Marie"):
        assert private not in page
    # Shown once: the next visit of the page no longer shows it.
    assert "Suivi(e) aussi par" not in page_text(dpip.get(response["Location"]))


def test_the_look_up_is_recorded_with_the_new_person(alpha, beta, at_beta, dpip):
    register(dpip)
    person = new_person(alpha)
    lookup = Lookup.objects.get()
    assert (lookup.asking_id, lookup.asking_person_id, lookup.agent) == (
        alpha.pk,
        person.pk,
        dpip.user,
    )
    assert (lookup.found_id, lookup.found_person_id, lookup.context) == (
        beta.pk,
        at_beta.pk,
        "registration",
    )


def test_the_same_appi_number_is_enough(alpha, beta, dpip):
    make_person(beta, last_name="AUTRE", first_names="Nom", appi_number="202611112222")
    response = register(dpip, appi_number="2026 1111 2222")
    assert "Suivi(e) aussi par : Juridiction Bêta" in page_text(dpip.get(response["Location"]))
    assert Lookup.objects.count() == 1


def test_a_role_without_the_transfer_right_sees_the_warning_without_the_link(
    alpha, at_beta, bex_client
):
    response = register(bex_client)
    page = page_text(bex_client.get(response["Location"]))
    assert WARNING in page
    assert ASK_LINK not in page and "Confier le suivi" not in page


def test_a_follow_up_closed_elsewhere_is_shown_as_past_without_a_link(alpha, beta, at_beta, dpip):
    with tenant_context(beta):
        at_beta.archive()
    Jurisdiction.objects.filter(pk=beta.pk).update(service_contact="")
    response = register(dpip)
    page = page_text(dpip.get(response["Location"]))
    assert "Suivi(e) auparavant par : Juridiction Bêta" in page
    assert "(contact :" not in page
    assert ASK_LINK not in page and "Confier le suivi" not in page
    assert Lookup.objects.count() == 1


def test_nobody_elsewhere_no_warning_and_nothing_recorded(alpha, beta, dpip):
    make_person(beta, last_name="DUPONT", first_names="Jean-Pierre", birth_date=date(1985, 6, 16))
    # A namesake born the same day but with another APPI number is another person.
    make_person(
        beta,
        last_name="DUPONT",
        first_names="Jean-Pierre",
        birth_date=date(1985, 6, 15),
        appi_number="202699990000",
    )
    response = register(dpip, appi_number="202611112222")
    assert "Suivi(e)" not in page_text(dpip.get(response["Location"]))
    assert not Lookup.objects.exists()


def test_a_refused_registration_looks_nothing_up(alpha, at_beta, dpip):
    make_person(alpha, last_name="TITULAIRE", phone="+33612345678", no_mobile_phone=False)
    response = dpip.post(CREATE_URL, person_data())  # same phone as TITULAIRE
    assert response.status_code == 200
    assert "Une personne enregistrée a déjà ce numéro de téléphone" in page_text(response)
    assert not Lookup.objects.exists()


def test_an_edit_looks_up_only_when_the_identity_changed(alpha, beta, at_beta, dpip):
    person = make_person(alpha, last_name="DURANT", first_names="Jean-Pierre")
    edit_url = f"/personnes/{person.pk}/modifier/"
    same = person_data(last_name="DURANT", phone="", no_mobile_phone="on", city="Nanterre")
    same["birth_date"] = "1990-04-02"
    response = dpip.post(edit_url, {**same, "city": "Puteaux"})
    assert response.status_code == 302
    assert not Lookup.objects.exists()
    # The name corrected: now the same identity as beta's person.
    response = dpip.post(edit_url, {**same, "last_name": "Dupont", "birth_date": "1985-06-15"})
    assert response.status_code == 302
    assert WARNING in page_text(dpip.get(response["Location"]))
    lookup = Lookup.objects.get()
    assert (lookup.asking_person_id, lookup.found_person_id) == (person.pk, at_beta.pk)
