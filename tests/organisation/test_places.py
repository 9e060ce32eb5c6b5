"""Places: list, create, edit, archive or delete."""

from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place, Service
from jurisdiction_apps.scheduling.models import SlotTemplate

from .conftest import FREE_TIME_TYPE, SLOT_TYPE, h1_count, make_place, slot_type

PLACE_DATA = {
    "kind": "office",
    "service": "",
    "name": "  Antenne   de Colombes ",
    "address": "12 avenue Henri Barbusse",
    "postcode": "92700",
    "city": "Colombes",
    "phone": "0147001122",
    "email": "",
    "main_contact_method": "phone",
    "access_notes": "2e étage, ascenseur.",
    "info_url": "https://www.justice.fr/colombes",
}


def test_place_list_shows_kind_service_address_contact_types_and_archived_badge(
    alpha, admin_client
):
    with tenant_context(alpha):
        active = make_place("Antenne de Nanterre", codes=(SLOT_TYPE, FREE_TIME_TYPE))
        make_place("Ancienne antenne", codes=()).archive()
    response = admin_client.get(reverse("organisation:places"))
    body = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert 'class="fr-sidemenu"' in body
    assert "Antenne de Nanterre" in body and "Ancienne antenne" in body
    assert "3 rue de l&#x27;Exemple, 92000 Nanterre" in body
    assert "01 40 97 10 10" in body
    assert "Locaux du service" in body
    assert "SPIP d&#x27;Alpha" in body  # the pseudo-places created with the jurisdiction
    assert body.count(">Archivé</span>") == 1
    assert f"<td>{active.appointment_types.count()}</td>" in body


def test_create_place_with_types_offered(alpha, admin_client):
    with tenant_context(alpha):
        types = list(AppointmentType.objects.filter(code__in=[SLOT_TYPE, FREE_TIME_TYPE]))
        alpha_spip = Service.objects.get(kind="spip")
    data = {**PLACE_DATA, "service": alpha_spip.pk, "appointment_types": [t.pk for t in types]}
    response = admin_client.post(reverse("organisation:place_create"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("organisation:places")
    assert "Lieu « Antenne de Colombes » créé." in response.content.decode()
    with tenant_context(alpha):
        place = Place.objects.get(name="Antenne de Colombes")
        assert place.phone == "01 47 00 11 22"
        assert place.service == alpha_spip
        assert set(place.appointment_types.all()) == set(types)


def test_create_place_refuses_bad_input_in_french_and_creates_nothing(alpha, admin_client):
    with tenant_context(alpha):
        before = Place.objects.count()
    data = {**PLACE_DATA, "postcode": "9270", "phone": "12", "info_url": "pas une adresse"}
    response = admin_client.post(reverse("organisation:place_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Le code postal compte 5 chiffres" in body
    assert "Ce numéro de téléphone" in body
    assert "Saisissez une URL valide" in body
    assert 'aria-describedby="id_postcode-error"' in body
    with tenant_context(alpha):
        assert Place.objects.count() == before


def test_main_contact_method_needs_its_value(alpha, admin_client):
    data = {**PLACE_DATA, "main_contact_method": "email", "email": ""}
    response = admin_client.post(reverse("organisation:place_create"), data)
    assert "Indiquez le courriel : c&#x27;est le moyen de contact principal." in (
        response.content.decode()
    )


def test_edit_place(alpha, admin_client):
    with tenant_context(alpha):
        place = make_place(codes=(SLOT_TYPE,))
    url = reverse("organisation:place_edit", args=[place.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Antenne de Nanterre" in page.content.decode()
    data = {**PLACE_DATA, "name": "Antenne de Nanterre-Centre", "appointment_types": []}
    admin_client.post(url, data)
    with tenant_context(alpha):
        place.refresh_from_db()
        assert place.name == "Antenne de Nanterre-Centre"
        assert place.postcode == "92700"
        assert place.appointment_types.count() == 0


def test_archive_then_unarchive_place_archives_its_agendas_and_templates(alpha, admin_client):
    with tenant_context(alpha):
        place = make_place()
        agenda = Agenda.objects.create(place=place, name="Équipe A")
        template = SlotTemplate.objects.create(
            agenda=agenda, appointment_type=slot_type(), weekday=0, start_time="09:00"
        )
    url = reverse("organisation:place_archive", args=[place.pk])
    response = admin_client.post(url, {"action": "archiver"}, follow=True)
    assert "Lieu « Antenne de Nanterre » archivé avec 1 agenda." in response.content.decode()
    with tenant_context(alpha):
        place.refresh_from_db()
        agenda.refresh_from_db()
        template.refresh_from_db()
        assert place.is_archived and agenda.is_archived and not template.is_active

    admin_client.post(url, {"action": "desarchiver"})
    with tenant_context(alpha):
        place.refresh_from_db()
        agenda.refresh_from_db()
        assert not place.is_archived
        assert agenda.is_archived  # restored one by one


def test_archive_with_unknown_action_changes_nothing(alpha, admin_client):
    with tenant_context(alpha):
        place = make_place()
    response = admin_client.post(
        reverse("organisation:place_archive", args=[place.pk]), {"action": "brûler"}, follow=True
    )
    assert "Action inconnue" in response.content.decode()
    with tenant_context(alpha):
        place.refresh_from_db()
        assert not place.is_archived


def test_archive_is_post_only(alpha, admin_client):
    with tenant_context(alpha):
        place = make_place()
    response = admin_client.get(reverse("organisation:place_archive", args=[place.pk]))
    assert response.status_code == 405


def test_unused_place_is_deleted_used_place_is_kept(alpha, admin_client):
    with tenant_context(alpha):
        unused = make_place("Lieu jamais utilisé")
        used = make_place("Lieu avec agenda")
        Agenda.objects.create(place=used, name="Équipe B")
    page = admin_client.get(reverse("organisation:places")).content.decode()
    assert reverse("organisation:place_delete", args=[unused.pk]) in page
    assert reverse("organisation:place_delete", args=[used.pk]) not in page

    admin_client.post(reverse("organisation:place_delete", args=[unused.pk]))
    response = admin_client.post(reverse("organisation:place_delete", args=[used.pk]), follow=True)
    assert "ne peut pas être supprimé, archivez-le" in response.content.decode()
    with tenant_context(alpha):
        assert not Place.objects.filter(pk=unused.pk).exists()
        assert Place.objects.filter(pk=used.pk).exists()


def test_place_of_another_jurisdiction_is_not_found(alpha, beta, admin_client):
    with tenant_context(beta):
        foreign = make_place("Antenne de Saint-Denis", pk=900_000_001)
    for name in ("place_edit",):
        assert (
            admin_client.get(reverse(f"organisation:{name}", args=[foreign.pk])).status_code == 404
        )
    for name in ("place_archive", "place_delete"):
        url = reverse(f"organisation:{name}", args=[foreign.pk])
        assert admin_client.post(url, {"action": "archiver"}).status_code == 404
    with tenant_context(beta):
        foreign.refresh_from_db()
        assert not foreign.is_archived


def test_a_place_links_to_its_national_service_page(alpha, admin_client):
    from tests.public_site.factories import ServicePageFactory

    page = ServicePageFactory(name="SPIP des Hauts-de-Seine — Colombes")
    hidden = ServicePageFactory(name="Fiche non publiée", published=False)
    form = admin_client.get(reverse("organisation:place_create")).content.decode()
    assert "SPIP des Hauts-de-Seine — Colombes" in form and "Fiche non publiée" not in form
    response = admin_client.post(
        reverse("organisation:place_create"), {**PLACE_DATA, "service_page": page.pk}
    )
    assert response.status_code == 302
    refused = admin_client.post(
        reverse("organisation:place_create"),
        {**PLACE_DATA, "name": "Autre", "service_page": hidden.pk},
    )
    assert refused.status_code == 200
    with tenant_context(alpha):
        assert Place.objects.get(name="Antenne de Colombes").service_page == page
        assert not Place.objects.filter(name="Autre").exists()
