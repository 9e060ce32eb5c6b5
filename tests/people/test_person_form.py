"""Registering and changing a person: normalisation, French errors, duplicates."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from tenants.constants import Role
from tests.dates import years_before

from .helpers import agent_client, count_people, make_person, page_text, person_data

CREATE_URL = "/personnes/nouvelle/"


def only_person(jurisdiction) -> Person:
    with tenant_context(jurisdiction):
        return Person.objects.select_related("referent").get()


def test_form_page_shows_labelled_dsfr_fields(bex_client, alpha):
    response = bex_client.get(CREATE_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    for name in ("last_name", "first_names", "birth_date", "phone", "appi_number", "city"):
        assert f'<label class="fr-label" for="id_{name}">' in body
    assert 'type="date"' in body
    assert 'type="radio" name="residence" value="homeless"' in body
    assert "confirm_not_duplicate" not in body  # only once similar people are found


def test_creation_normalises_and_redirects_to_the_person(bex_client, alpha):
    response = bex_client.post(CREATE_URL, person_data(last_name="dupont  de la  tour"))
    person = only_person(alpha)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.last_name == "DUPONT DE LA TOUR"
    assert person.first_names == "Jean-Pierre"
    assert person.phone == "+33612345678"
    assert person.city == "NANTERRE"
    follow = bex_client.get(response["Location"])
    assert "La fiche de DUPONT DE LA TOUR Jean-Pierre a été enregistrée." in page_text(follow)


def test_phone_is_read_with_the_region_of_the_jurisdiction(beta):
    client = agent_client(beta, Role.BEX)
    response = client.post(CREATE_URL, person_data(phone="0692 12 34 56", city="Saint-Denis"))
    assert response.status_code == 302
    assert only_person(beta).phone == "+262692123456"


def test_referent_is_an_active_member_of_the_jurisdiction(bex_client, alpha, beta):
    referent = agent_client(alpha, Role.CPIP, first_name="Inès", last_name="Référente").user
    stranger = agent_client(beta, Role.CPIP, first_name="Paul", last_name="Ailleurs").user
    form = page_text(bex_client.get(CREATE_URL))
    assert "Inès Référente" in form
    assert "Paul Ailleurs" not in form

    refused = bex_client.post(CREATE_URL, person_data(referent=str(stranger.pk)))
    assert refused.status_code == 200
    assert "Choisissez un agent de la juridiction." in page_text(refused)
    assert count_people(alpha) == 0

    bex_client.post(CREATE_URL, person_data(referent=str(referent.pk)))
    assert only_person(alpha).referent == referent


def test_homeless_person_without_phone(bex_client, alpha):
    response = bex_client.post(
        CREATE_URL,
        person_data(phone="", no_mobile_phone="on", residence="homeless", city="Nanterre"),
    )
    assert response.status_code == 302
    person = only_person(alpha)
    assert (person.phone, person.city, person.residence) == ("", "", "homeless")
    assert person.sms_status == "Pas de téléphone portable"


def _years_ago(years: int, days: int = 0):
    return (years_before(timezone.localdate(), years) + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "0612"}, "phone", "Ce numéro de téléphone est incomplet ou trop long."),
        ({"phone": "07 12 34 56 78"}, "phone", "Ce numéro de téléphone n'existe pas."),
        ({"phone": "01 45 67 89 00"}, "phone", "Ce numéro est une ligne fixe"),
        ({"phone": ""}, "phone", "Indiquez un téléphone portable, ou cochez"),
        (
            {"birth_date": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "birth_date",
            "La date de naissance est dans le futur.",
        ),
        (
            {"birth_date": _years_ago(16, days=1)},
            "birth_date",
            "La personne doit avoir plus de 16 ans.",
        ),
        ({"birth_date": "31/02/1990"}, "birth_date", "Saisissez une date valide."),
        ({"birth_date": ""}, "birth_date", "Ce champ est obligatoire."),
        (
            {"appi_number": "1234"},
            "appi_number",
            "Le numéro APPI compte 8 ou 12 chiffres, éventuellement suivis d'une lettre.",
        ),
        ({"last_name": "   "}, "last_name", "Ce champ est obligatoire."),
        ({"city": ""}, "city", "Indiquez la commune, ou choisissez"),
        ({"residence": "moon"}, "residence", "Sélectionnez un choix valide."),
        ({"referent": "abc"}, "referent", "Choisissez un agent de la juridiction."),
    ],
)
def test_bad_input_shows_a_french_message_and_creates_nothing(
    bex_client, alpha, overrides, field, message
):
    response = bex_client.post(CREATE_URL, person_data(**overrides))
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "La fiche n'a pas été enregistrée" in text
    assert response.context["form"].errors[field]
    assert count_people(alpha) == 0


def test_exactly_sixteen_is_accepted(bex_client, alpha):
    response = bex_client.post(CREATE_URL, person_data(birth_date=_years_ago(16)))
    assert response.status_code == 302


def test_empty_post_is_refused_without_error_page(bex_client, alpha):
    response = bex_client.post(CREATE_URL, {})
    assert response.status_code == 200
    assert "La fiche n'a pas été enregistrée" in page_text(response)
    assert count_people(alpha) == 0


@pytest.mark.parametrize(
    ("existing", "typed", "field", "message"),
    [
        (
            {"phone": "+33612345678", "no_mobile_phone": False},
            {"phone": "+33 6 12 34 56 78"},
            "phone",
            "Une personne enregistrée a déjà ce numéro de téléphone : MARTIN Léa.",
        ),
        (
            {"appi_number": "123456789012A"},
            {"appi_number": "1234 5678 9012 a", "phone": "07 81 23 45 67"},
            "appi_number",
            "Une personne enregistrée a déjà ce numéro APPI : MARTIN Léa.",
        ),
    ],
)
def test_duplicate_phone_or_appi_is_refused_with_a_link(
    bex_client, alpha, existing, typed, field, message
):
    other = make_person(alpha, **existing)
    response = bex_client.post(CREATE_URL, person_data(**typed))
    assert response.status_code == 200
    assert message in page_text(response)
    assert f'href="{reverse("people:detail", args=[other.pk])}"' in response.content.decode()
    assert response.context["form"].errors[field]
    assert count_people(alpha) == 1


def test_same_name_and_birth_date_warns_then_saves_once_confirmed(bex_client, alpha):
    other = make_person(alpha, last_name="DUPONT", first_names="Jean-Pierre")
    with tenant_context(alpha):
        Person.objects.filter(pk=other.pk).update(birth_date="1985-06-15")
    data = person_data(phone="07 81 23 45 67")

    warned = bex_client.post(CREATE_URL, data)
    assert warned.status_code == 200
    text = page_text(warned)
    assert "Cette personne est peut-être déjà enregistrée" in text
    assert f'href="{reverse("people:detail", args=[other.pk])}"' in warned.content.decode()
    assert "Il s'agit bien d'une autre personne" in text
    assert count_people(alpha) == 1

    confirmed = bex_client.post(CREATE_URL, {**data, "confirm_not_duplicate": "on"})
    assert confirmed.status_code == 302
    assert count_people(alpha) == 2


def test_edit_prefills_and_saves_changes(bex_client, alpha):
    person = make_person(alpha, phone="+33612345678", no_mobile_phone=False)
    url = reverse("people:edit", args=[person.pk])
    form = bex_client.get(url)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'value="1990-04-02"' in body
    assert 'value="+33612345678"' in body

    data = person_data(
        last_name="Martin", first_names="léa", birth_date="1990-04-02", phone="06 98 76 54 32"
    )
    response = bex_client.post(url, {**data, "refuses_sms": "on"})
    assert response.status_code == 302
    person = only_person(alpha)
    assert person.phone == "+33698765432"
    assert person.refuses_sms
    assert person.sms_status == "Refuse les SMS"


def test_edit_keeps_its_own_phone_and_name_without_warning(bex_client, alpha):
    person = make_person(alpha, phone="+33612345678", no_mobile_phone=False)
    data = person_data(last_name="MARTIN", first_names="Léa", birth_date="1990-04-02")
    response = bex_client.post(reverse("people:edit", args=[person.pk]), data)
    assert response.status_code == 302


def test_edit_cannot_take_the_phone_of_another_person(bex_client, alpha):
    make_person(alpha, phone="+33612345678", no_mobile_phone=False)
    person = make_person(alpha, last_name="DURAND", phone="+33698765432", no_mobile_phone=False)
    data = person_data(last_name="DURAND", first_names="Léa", phone="06 12 34 56 78")
    response = bex_client.post(reverse("people:edit", args=[person.pk]), data)
    assert response.status_code == 200
    assert "a déjà ce numéro de téléphone" in page_text(response)
    with tenant_context(alpha):
        assert Person.objects.get(pk=person.pk).phone == "+33698765432"


def test_roles_without_edit_people_are_refused(alpha):
    person = make_person(alpha)
    for role in (Role.PROSECUTOR, Role.PSYCHOLOGIST):
        client = agent_client(alpha, role)
        assert client.get(CREATE_URL).status_code == 403
        assert client.post(CREATE_URL, person_data()).status_code == 403
        assert client.get(reverse("people:edit", args=[person.pk])).status_code == 403
    assert count_people(alpha) == 1


def test_list_offers_registration_only_to_editors(bex_client, alpha):
    assert "Enregistrer une personne" in page_text(bex_client.get("/personnes/"))
    psychologist = agent_client(alpha, Role.PSYCHOLOGIST)
    assert "Enregistrer une personne" not in page_text(psychologist.get("/personnes/"))
