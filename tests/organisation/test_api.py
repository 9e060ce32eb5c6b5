"""The read-only organisation API (issue 20): places, agendas and appointment types, for every
role that sees the agenda; filters, cursor pages and French 4xx in the API's error format."""

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place, Service
from tenants.constants import Role
from tests.people.helpers import agent_client

from .conftest import FREE_TIME_TYPE, SLOT_TYPE, make_place


@pytest.fixture
def prosecutor(alpha):
    return agent_client(alpha, Role.PROSECUTOR)


@pytest.fixture
def places(alpha):
    with tenant_context(alpha):
        service = Service.objects.filter(kind="spip").first()
        nanterre = make_place("Antenne de Nanterre", service=service)
        puteaux = make_place("Antenne de Puteaux", codes=(FREE_TIME_TYPE,))
        closed = make_place("Ancienne antenne", archived_at=timezone.now())
        Agenda.objects.create(place=nanterre, name="Équipe A")
        Agenda.objects.create(place=nanterre, name="Équipe B", archived_at=timezone.now())
        Agenda.objects.create(place=puteaux, name="Permanence")
        return {"nanterre": nanterre, "puteaux": puteaux, "closed": closed, "service": service}


def results(response, key="name") -> list:
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["results"]]


MINE = {"Ancienne antenne", "Antenne de Nanterre", "Antenne de Puteaux"}


def my_places(response) -> list:
    """The places of the fixture (the jurisdiction's set-up creates others)."""
    return [name for name in results(response) if name in MINE]


def error(response, status):
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_places_for_a_role_that_sees_the_agenda(alpha, places, prosecutor):
    assert my_places(prosecutor.get("/api/v1/lieux/")) == [
        "Ancienne antenne",
        "Antenne de Nanterre",
        "Antenne de Puteaux",
    ]
    assert my_places(prosecutor.get("/api/v1/lieux/", {"archived": "false"})) == [
        "Antenne de Nanterre",
        "Antenne de Puteaux",
    ]
    with tenant_context(alpha):
        free_time = AppointmentType.objects.get(code=FREE_TIME_TYPE).pk
        slot = AppointmentType.objects.get(code=SLOT_TYPE).pk
    assert my_places(prosecutor.get("/api/v1/lieux/", {"appointment_type": free_time})) == [
        "Antenne de Puteaux"
    ]
    body = prosecutor.get(f"/api/v1/lieux/{places['nanterre'].pk}/").json()
    assert body["address"] == "3 rue de l'Exemple" and body["archived"] is False
    assert slot in body["appointment_types"] and free_time not in body["appointment_types"]
    service = places["service"]
    assert (body["service_kind"], body["service_name"]) == (
        (service.kind, service.name) if service else (None, None)
    )
    closed = prosecutor.get(f"/api/v1/lieux/{places['closed'].pk}/").json()
    assert closed["archived"] is True and closed["archived_at"]


def test_agendas_filtered_by_place(alpha, places, prosecutor):
    assert sorted(results(prosecutor.get("/api/v1/agendas/"))) == [
        "Permanence",
        "Équipe A",
        "Équipe B",
    ]
    nanterre = places["nanterre"].pk
    assert results(prosecutor.get("/api/v1/agendas/", {"place": nanterre})) == [
        "Équipe A",
        "Équipe B",
    ]
    assert results(
        prosecutor.get("/api/v1/agendas/", {"place": nanterre, "archived": "false"})
    ) == ["Équipe A"]
    first = prosecutor.get("/api/v1/agendas/", {"place": nanterre}).json()["results"][0]
    assert (first["place"], first["place_name"]) == (nanterre, "Antenne de Nanterre")


def test_appointment_types_filtered_by_service_and_activity(alpha, prosecutor):
    with tenant_context(alpha):
        AppointmentType.objects.filter(code=SLOT_TYPE).update(is_active=False)
        spip = set(
            AppointmentType.objects.filter(service_kind="spip").values_list("code", flat=True)
        )
        active_spip = spip - {SLOT_TYPE}
        total = AppointmentType.objects.count()
    url = "/api/v1/types-rendez-vous/"
    assert len(results(prosecutor.get(url, {"page_size": 1000}), "code")) == total
    assert set(results(prosecutor.get(url, {"service_kind": "spip"}), "code")) == spip
    active = results(prosecutor.get(url, {"service_kind": "spip", "active": "true"}), "code")
    assert set(active) == active_spip
    assert results(prosecutor.get(url, {"active": "false"}), "code") == [SLOT_TYPE]
    with tenant_context(alpha):
        pk = AppointmentType.objects.get(code=SLOT_TYPE).pk
    body = prosecutor.get(f"{url}{pk}/").json()
    assert (body["code"], body["booking_mode"], body["is_active"]) == (SLOT_TYPE, "slot", False)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/lieux/", {"archived": "peut-etre"}),
        ("/api/v1/lieux/", {"kind": "chateau"}),
        ("/api/v1/lieux/", {"appointment_type": "abc"}),
        ("/api/v1/agendas/", {"place": "abc"}),
        ("/api/v1/types-rendez-vous/", {"service_kind": "police"}),
        ("/api/v1/types-rendez-vous/", {"active": "oui"}),
        ("/api/v1/lieux/", {"cursor": "pas-un-curseur"}),
        ("/api/v1/agendas/", {"page_size": "1001"}),
        ("/api/v1/types-rendez-vous/", {"page_size": "0"}),
    ],
)
def test_bad_parameters_are_french_400s(alpha, places, prosecutor, url, params):
    assert error(prosecutor.get(url, params), 400)["code"] in (
        "invalid",
        "invalid_cursor",
        "invalid_page_size",
    )


def test_a_place_of_another_jurisdiction_is_not_found(alpha, beta, prosecutor):
    with tenant_context(beta):
        theirs = Place.objects.create(name="Antenne de Saint-Pierre")
        agenda = Agenda.objects.create(place=theirs, name="Équipe Bêta")
    with tenant_context(alpha):
        assert not Place.objects.filter(pk=theirs.pk).exists()
        assert not Agenda.objects.filter(pk=agenda.pk).exists()
    assert error(prosecutor.get(f"/api/v1/lieux/{theirs.pk}/"), 404)["code"] == "not_found"
    assert prosecutor.get(f"/api/v1/agendas/{agenda.pk}/").status_code == 404
    assert prosecutor.get("/api/v1/types-rendez-vous/abc/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/v1/lieux/", "/api/v1/agendas/", "/api/v1/types-rendez-vous/"]
)
def test_read_only(alpha, places, url):
    admin = agent_client(alpha, Role.LOCAL_ADMIN)
    response = admin.post(url, {"name": "Nouveau"}, content_type="application/json")
    assert error(response, 405)["code"] == "method_not_allowed"
    with tenant_context(alpha):
        assert not Place.objects.filter(name="Nouveau").exists()


def test_places_page_in_constant_queries(alpha, prosecutor, django_assert_max_num_queries):
    with tenant_context(alpha):
        for n in range(30):
            make_place(f"Lieu {n:02d}")
    with django_assert_max_num_queries(8):
        assert len(results(prosecutor.get("/api/v1/lieux/", {"page_size": 30}))) == 30


def test_signed_out_is_refused(alpha, client):
    client.defaults["HTTP_HOST"] = "alpha.localhost"
    assert client.get("/api/v1/lieux/").status_code == 403
    # Membership first: a method the route does not offer is a 405 for members only.
    assert client.post("/api/v1/lieux/", {}).status_code == 403
