"""The people API (issue 20): the same rules as the person form and list, through the same
services; every refusal a French 4xx in the API's error format, nothing changed."""

import base64
import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person, PersonView
from shared.person_index.models import Lookup
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

from .helpers import agent_client, count_people, make_person

URL = "/api/v1/personnes/"
BODY = {
    "last_name": "Dupont",
    "first_names": "jean-pierre",
    "birth_date": "1985-06-15",
    "phone": "06 12 34 56 78",
    "residence": "city",
    "city": "Nanterre",
}


def post(client, body, url=URL):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, pk, body):
    return client.patch(f"{URL}{pk}/", json.dumps(body), content_type="application/json")


def archive(client, pk, body):
    return post(client, body, f"{URL}{pk}/archivage/")


def error(response, status):
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.fixture
def dpip(alpha):
    return agent_client(alpha, Role.DPIP, first_name="Nora", last_name="Directrice")


@pytest.fixture
def cpip(alpha):
    return agent_client(alpha, Role.CPIP, first_name="Hugo", last_name="Conseiller")


@pytest.fixture
def prosecutor(alpha):
    return agent_client(alpha, Role.PROSECUTOR)


def stored(jurisdiction, pk) -> Person:
    with tenant_context(jurisdiction):
        return Person.objects.get(pk=pk)


# --- create ----------------------------------------------------------------------------------
def test_registration_normalises_like_the_form(alpha, cpip):
    response = post(cpip, {**BODY, "referent": cpip.user.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["last_name"] == "DUPONT" and body["first_names"] == "Jean-Pierre"
    assert body["phone"] == "+33612345678"  # E.164 out
    assert body["birth_date"] == "1985-06-15" and body["city"] == "NANTERRE"
    assert body["referent"] == {"id": cpip.user.pk, "name": "Hugo Conseiller"}
    assert body["followed_elsewhere"] == [] and body["archived"] is False
    assert "hold_reason" not in body and "search_name" not in body
    person = stored(alpha, body["id"])
    assert (person.phone, person.referent_id) == ("+33612345678", cpip.user.pk)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"birth_date": "demain"}, "birth_date", None),
        ({"phone": "pas un numéro"}, "phone", "Ce numéro de téléphone n'est pas lisible."),
        ({"phone": "01 40 97 10 10"}, "phone", None),  # a landline cannot receive SMS
        ({"phone": ""}, "phone", None),
        ({"appi_number": "123"}, "appi_number", None),
        ({"city": ""}, "city", None),
        ({"residence": "lune"}, "residence", None),
        ({"no_mobile_phone": "parfois"}, "no_mobile_phone", None),
        ({"last_name": 12}, "last_name", "Texte attendu (une chaîne de caractères)."),
        ({"referent": 999999}, "referent", "Choisissez un agent de la juridiction."),
        ({"referent": "lui"}, "referent", None),
    ],
)
def test_bad_fields_are_french_400s_and_register_nobody(alpha, cpip, change, field, message):
    error_ = error(post(cpip, {**BODY, **change}), 400)
    assert error_["code"] == "invalid"
    assert error_["message"] == "Les données envoyées ne sont pas valides."
    assert field in error_["fields"]
    if message:
        assert error_["fields"][field] == [message] or message in error_["fields"][field][0]
    assert count_people(alpha) == 0


def test_a_future_birth_date_gets_the_services_message(alpha, cpip):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    error_ = error(post(cpip, {**BODY, "birth_date": tomorrow}), 400)
    assert error_["fields"]["birth_date"] == ["La date de naissance est dans le futur."]


def test_unknown_fields_are_refused(alpha, cpip):
    error_ = error(post(cpip, {**BODY, "birth_day": "1985-06-15", "hold_reason": "x"}), 400)
    assert set(error_["fields"]) == {"birth_day", "hold_reason"}
    assert error_["fields"]["hold_reason"] == ["Champ inconnu : retirez-le de la requête."]
    assert count_people(alpha) == 0


def test_a_body_that_is_not_an_object_is_refused(alpha, cpip):
    assert post(cpip, ["Dupont"]).status_code == 400
    response = cpip.post(URL, "{pas du json", content_type="application/json")
    assert error(response, 400)["code"] == "parse_error"
    assert count_people(alpha) == 0


def test_a_prosecutor_cannot_register(alpha, prosecutor):
    error_ = error(post(prosecutor, BODY), 403)
    assert error_["message"] == "Votre rôle ne permet pas cette action."
    assert count_people(alpha) == 0
    assert prosecutor.get(URL).status_code == 200  # reading is allowed


def test_an_agent_of_another_jurisdiction_gets_403(alpha, beta):
    other = Client(HTTP_HOST="alpha.localhost")
    sign_in(other, MembershipFactory(jurisdiction=beta, role=Role.DPIP).user)
    assert error(other.get(URL), 403)["code"] == "not_a_member"  # tenants/middleware.py
    assert post(other, BODY).status_code == 403
    assert count_people(alpha) == 0


# --- duplicates ------------------------------------------------------------------------------
def test_a_phone_already_registered_is_a_409_naming_the_check(alpha, cpip):
    existing = make_person(alpha, phone="+33612345678", no_mobile_phone=False)
    error_ = error(post(cpip, {**BODY, "last_name": "Autre"}), 409)
    assert error_["code"] == "duplicate"
    message = "Une personne enregistrée a déjà ce numéro de téléphone : MARTIN Léa."
    assert error_["message"] == message and error_["fields"] == {"phone": [message]}
    assert error_["existing_people"] == [existing.pk]
    # A confirmation does not lift a blocking duplicate.
    assert post(cpip, {**BODY, "confirm_not_duplicate": True}).status_code == 409
    assert count_people(alpha) == 1


def test_an_appi_number_already_registered_is_a_409(alpha, cpip):
    make_person(alpha, appi_number="12345678")
    error_ = error(post(cpip, {**BODY, "appi_number": "1234 5678"}), 409)
    assert error_["fields"] == {
        "appi_number": ["Une personne enregistrée a déjà ce numéro APPI : MARTIN Léa."]
    }


def test_a_namesake_born_the_same_day_needs_a_confirmation(alpha, cpip):
    existing = make_person(
        alpha, last_name="DUPONT", first_names="Jean-Pierre", birth_date=date(1985, 6, 15)
    )
    error_ = error(post(cpip, BODY), 409)
    assert error_["code"] == "possible_duplicate"
    assert "confirm_not_duplicate" in error_["message"]
    assert error_["existing_people"] == [existing.pk]
    assert count_people(alpha) == 1
    assert post(cpip, {**BODY, "confirm_not_duplicate": True}).status_code == 201
    assert count_people(alpha) == 2


def test_a_retried_registration_with_its_key_registers_once(alpha, cpip):
    """A person without phone or APPI number, confirmed as no duplicate: without the key, a
    retry after a lost answer would register them twice."""
    body = {**BODY, "phone": "", "no_mobile_phone": True, "confirm_not_duplicate": True}
    headers = {"Idempotency-Key": "inscription-1"}
    first = cpip.post(URL, json.dumps(body), content_type="application/json", headers=headers)
    again = cpip.post(URL, json.dumps(body), content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert count_people(alpha) == 1
    other = {**body, "first_names": "Paul"}
    response = cpip.post(URL, json.dumps(other), content_type="application/json", headers=headers)
    assert error(response, 422)["code"] == "idempotency_key_reused"
    assert count_people(alpha) == 1


# --- the national index ----------------------------------------------------------------------
def test_a_person_followed_elsewhere_is_reported_and_the_look_up_recorded(
    alpha, beta, at_beta, cpip
):
    response = post(cpip, BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["followed_elsewhere"] == [
        {
            "jurisdiction": "Juridiction Bêta",
            "contact": "SPIP de Bêta, 0262 11 22 33",
            "archived": False,
        }
    ]
    for private in ("+262692998877", "SAINT-PIERRE", "Marie"):
        assert private not in response.content.decode()
    lookup = Lookup.objects.get()
    assert (lookup.asking_id, lookup.asking_person_id, lookup.agent_id) == (
        alpha.pk,
        body["id"],
        cpip.user.pk,
    )
    assert (lookup.found_id, lookup.found_person_id, lookup.context) == (
        beta.pk,
        at_beta.pk,
        "registration",
    )
    # Reading the record later does not disclose it again.
    assert "followed_elsewhere" not in cpip.get(f"{URL}{body['id']}/").json()


def test_an_edit_looks_up_again_only_when_the_identity_changes(alpha, beta, at_beta, cpip):
    person = make_person(alpha, last_name="DUPOND", first_names="Jean-Pierre")
    response = patch(cpip, person.pk, {"city": "Puteaux"})
    assert response.json()["followed_elsewhere"] == [] and not Lookup.objects.exists()
    response = patch(cpip, person.pk, {"last_name": "Dupont", "birth_date": "1985-06-15"})
    assert response.status_code == 200, response.content
    assert [item["jurisdiction"] for item in response.json()["followed_elsewhere"]] == [
        "Juridiction Bêta"
    ]
    assert Lookup.objects.get().asking_person_id == person.pk


# --- update ----------------------------------------------------------------------------------
def test_a_patch_changes_only_the_fields_sent(alpha, cpip):
    person = make_person(alpha, appi_number="12345678")
    response = patch(cpip, person.pk, {"phone": "+33 6 98 76 54 32"})
    assert response.status_code == 200, response.content
    person = stored(alpha, person.pk)
    assert (person.phone, person.no_mobile_phone) == ("+33698765432", False)
    assert (person.last_name, person.appi_number, person.city) == ("MARTIN", "12345678", "NANTERRE")


def test_a_bad_patch_changes_nothing(alpha, cpip):
    person = make_person(alpha)
    error_ = error(patch(cpip, person.pk, {"birth_date": "demain", "city": "Puteaux"}), 400)
    assert "birth_date" in error_["fields"]
    assert error(patch(cpip, person.pk, {"couleur": "bleu"}), 400)["fields"] == {
        "couleur": ["Champ inconnu : retirez-le de la requête."]
    }
    assert stored(alpha, person.pk).city == "NANTERRE"


def test_a_patch_to_anothers_phone_is_a_409(alpha, cpip):
    make_person(alpha, last_name="AUTRE", phone="+33612345678", no_mobile_phone=False)
    person = make_person(alpha)
    assert error(patch(cpip, person.pk, {"phone": "0612345678"}), 409)["code"] == "duplicate"
    assert stored(alpha, person.pk).phone == ""


def test_a_transferred_person_is_read_only(alpha, beta, cpip, dpip):
    person = make_person(alpha)
    with tenant_context(alpha):
        Person.objects.filter(pk=person.pk).update(
            transferred_at=timezone.now(), transferred_to=beta
        )
    error_ = error(patch(cpip, person.pk, {"city": "Puteaux"}), 409)
    assert error_["code"] == "person_transferred"
    assert error_["message"].startswith("MARTIN Léa a été transféré(e) vers Juridiction Bêta le")
    error_ = error(archive(dpip, person.pk, {"archived": True}), 409)
    assert "ne peut plus être modifiée ici" in error_["message"]
    person = stored(alpha, person.pk)
    assert (person.city, person.archived_at) == ("NANTERRE", None)
    body = cpip.get(f"{URL}{person.pk}/").json()
    assert body["transferred_to"] == "Juridiction Bêta" and body["transferred_at"]


# --- archive ---------------------------------------------------------------------------------
def test_archive_and_unarchive(alpha, dpip):
    person = make_person(alpha)
    response = archive(dpip, person.pk, {"archived": True})
    assert response.status_code == 200 and response.json()["archived"] is True
    assert stored(alpha, person.pk).archived_at is not None
    assert archive(dpip, person.pk, {"archived": True}).json()["archived"] is True  # no change
    response = archive(dpip, person.pk, {"archived": False})
    assert response.json()["archived"] is False
    person = stored(alpha, person.pk)
    assert person.archived_at is None and person.follow_up_since is not None


@pytest.mark.parametrize("body", [{}, {"archived": "peut-être"}, {"archived": True, "motif": "x"}])
def test_a_bad_archive_request_is_a_400(alpha, dpip, body):
    person = make_person(alpha)
    assert error(archive(dpip, person.pk, body), 400)["code"] == "invalid"
    assert stored(alpha, person.pk).archived_at is None


def test_a_counsellor_cannot_archive(alpha, cpip):
    person = make_person(alpha)
    assert error(archive(cpip, person.pk, {"archived": True}), 403)["code"] == "permission_denied"
    assert stored(alpha, person.pk).archived_at is None


# --- read ------------------------------------------------------------------------------------
def test_reading_a_person_is_traced(alpha, cpip):
    person = make_person(alpha, phone="+33612345678", no_mobile_phone=False)
    body = cpip.get(f"{URL}{person.pk}/").json()
    assert (body["id"], body["phone"], body["birth_date"]) == (
        person.pk,
        "+33612345678",
        "1990-04-02",
    )
    with tenant_context(alpha):
        assert PersonView.objects.get().viewer_id == cpip.user.pk


def test_a_person_of_another_jurisdiction_is_not_found(alpha, beta, dpip):
    theirs = make_person(beta, last_name="BETA")
    with tenant_context(alpha):
        assert not Person.objects.filter(pk=theirs.pk).exists()
    for response in (
        dpip.get(f"{URL}{theirs.pk}/"),
        patch(dpip, theirs.pk, {"city": "Puteaux"}),
        archive(dpip, theirs.pk, {"archived": True}),
    ):
        assert error(response, 404)["message"] == "Ressource introuvable."
    assert stored(beta, theirs.pk).archived_at is None


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999", "-1"])
def test_an_unreadable_id_is_not_found(alpha, cpip, pk):
    assert error(cpip.get(f"{URL}{pk}/"), 404)["code"] == "not_found"


# --- list ------------------------------------------------------------------------------------
def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["last_name"] for item in response.json()["results"]]


def test_list_search_and_archived_filter(alpha, cpip):
    make_person(
        alpha,
        last_name="FRANÇOIS",
        first_names="Hélène",
        phone="+33612345678",
        no_mobile_phone=False,
    )
    make_person(alpha, last_name="FRANCK", archived_at=timezone.now())
    make_person(alpha, last_name="BERNARD", appi_number="12345678")
    assert names(cpip.get(URL)) == ["BERNARD", "FRANCK", "FRANÇOIS"]
    assert names(cpip.get(URL, {"search": "fran"})) == ["FRANCK", "FRANÇOIS"]
    assert names(cpip.get(URL, {"search": "helene fran"})) == ["FRANÇOIS"]
    assert names(cpip.get(URL, {"search": "06 12 34 56 78"})) == ["FRANÇOIS"]
    assert names(cpip.get(URL, {"search": "12345678"})) == ["BERNARD"]
    assert names(cpip.get(URL, {"search": "fran", "archived": "false"})) == ["FRANÇOIS"]
    assert names(cpip.get(URL, {"archived": "true"})) == ["FRANCK"]
    assert names(cpip.get(URL, {"ordering": "-last_name"})) == ["FRANÇOIS", "FRANCK", "BERNARD"]


@pytest.mark.parametrize(
    "params",
    [{"archived": "peut-etre"}, {"search": "x" * 101}, {"residence": "lune"}, {"referent": "lui"}],
)
def test_bad_list_parameters_are_400s(alpha, cpip, params):
    assert error(cpip.get(URL, params), 400)["code"] == "invalid"


@pytest.mark.parametrize("cursor", ["pas-un-curseur", base64.b64encode(b"o=-3").decode(), "%%%"])
def test_a_malformed_cursor_is_a_400(alpha, cpip, cursor):
    make_person(alpha)
    assert error(cpip.get(URL, {"cursor": cursor}), 400)["code"] == "invalid_cursor"


def test_a_page_size_over_the_maximum_is_a_400(alpha, cpip):
    assert error(cpip.get(URL, {"page_size": "1001"}), 400)["code"] == "invalid_page_size"


def test_pages_follow_their_cursor_in_name_order(alpha, cpip):
    with tenant_context(alpha):
        Person.objects.bulk_create(
            Person(
                last_name=f"NOM{i % 3}",
                first_names="Léa",
                birth_date=date(1990, 1, 1),
                city="NANTERRE",
                search_name=f"nom{i % 3} lea",
            )
            for i in range(7)
        )
    seen, url = [], f"{URL}?page_size=2"
    while url:
        body = cpip.get(url).json()
        seen += [(item["last_name"], item["id"]) for item in body["results"]]
        url = body["next"]
    assert len(seen) == 7 and seen == sorted(seen)


def make_many(jurisdiction, count, referent):
    with tenant_context(jurisdiction):
        Person.objects.bulk_create(
            Person(
                last_name=f"NOM{i:04d}",
                first_names="Léa",
                birth_date=date(1990, 1, 1),
                city="NANTERRE",
                search_name=f"nom{i:04d} lea",
                referent=referent,
            )
            for i in range(count)
        )


@pytest.mark.parametrize("count", [50, 200])
def test_a_page_costs_the_same_queries_whatever_the_number_of_people(
    alpha, cpip, count, django_assert_max_num_queries
):
    make_many(alpha, count, cpip.user)
    with django_assert_max_num_queries(8):
        response = cpip.get(URL, {"page_size": 50})
    results = response.json()["results"]
    assert len(results) == 50 and results[0]["referent"]["name"] == "Hugo Conseiller"


def test_a_hold_shows_as_a_flag_never_its_reason(alpha, cpip):
    person = make_person(alpha)
    with tenant_context(alpha):
        Person.objects.filter(pk=person.pk).update(
            held_at=timezone.now(), hold_reason="Mesure en cours jusqu'en 2029"
        )
    response = cpip.get(f"{URL}{person.pk}/")
    assert response.json()["held"] is True
    assert "Mesure en cours" not in response.content.decode()
    assert "Mesure en cours" not in cpip.get(URL).content.decode()


def test_the_openapi_schema_declares_the_errors_of_the_people_routes():
    from drf_spectacular.generators import SchemaGenerator
    from openapi_spec_validator import validate

    schema = SchemaGenerator(urlconf="saas_platform.urls_tenant").get_schema(public=True)
    validate(schema)
    paths = schema["paths"]
    # At least these (tenants.api.schema.AutoSchema adds 401, 415 and 429 to every operation).
    assert {"201", "400", "403", "409"} <= set(paths["/api/v1/personnes/"]["post"]["responses"])
    assert {"200", "400", "403", "404", "409"} <= set(
        paths["/api/v1/personnes/{id}/"]["patch"]["responses"]
    )
    assert "put" not in paths["/api/v1/personnes/{id}/"]
    archive_ = paths["/api/v1/personnes/{id}/archivage/"]["post"]
    assert archive_["summary"] == "Archiver ou désarchiver une personne"
    for path in ("/api/v1/lieux/{id}/", "/api/v1/agendas/{id}/", "/api/v1/types-rendez-vous/{id}/"):
        assert set(paths[path]) - {"parameters"} == {"get"}  # read only
