"""Agendas: list, create, rename, archive or delete; unique name per place."""

from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda
from jurisdiction_apps.scheduling.models import SlotTemplate

from .conftest import h1_count, make_place, slot_type


def test_agenda_list(alpha, admin_client, agenda):
    with tenant_context(alpha):
        old = Agenda.objects.create(place=agenda.place, name="Ancienne équipe")
        old.archive()
    response = admin_client.get(reverse("organisation:agendas"))
    body = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "Équipe A" in body and "Ancienne équipe" in body
    assert body.count(">Archivé</span>") == 1


def test_create_agenda(alpha, admin_client):
    with tenant_context(alpha):
        place = make_place()
    page = admin_client.get(reverse("organisation:agenda_create") + f"?lieu={place.pk}")
    assert f'<option value="{place.pk}" selected>' in page.content.decode()
    response = admin_client.post(
        reverse("organisation:agenda_create"),
        {"place": place.pk, "name": " Bureau du JAP  2 "},
        follow=True,
    )
    assert "Agenda « Bureau du JAP 2 » créé." in response.content.decode()
    with tenant_context(alpha):
        assert Agenda.objects.filter(place=place, name="Bureau du JAP 2").exists()


def test_agenda_name_is_unique_per_place_with_a_french_message(alpha, admin_client, agenda):
    with tenant_context(alpha):
        other_place = make_place("Autre lieu")
    response = admin_client.post(
        reverse("organisation:agenda_create"), {"place": agenda.place_id, "name": "équipe a"}
    )
    assert response.status_code == 200
    assert "Un agenda « équipe a » existe déjà dans ce lieu" in response.content.decode()
    # The same name in another place is fine.
    admin_client.post(
        reverse("organisation:agenda_create"), {"place": other_place.pk, "name": "Équipe A"}
    )
    with tenant_context(alpha):
        assert Agenda.objects.filter(name__iexact="Équipe A").count() == 2


def test_rename_agenda_and_rename_onto_a_taken_name(alpha, admin_client, agenda):
    with tenant_context(alpha):
        Agenda.objects.create(place=agenda.place, name="Équipe B")
    url = reverse("organisation:agenda_edit", args=[agenda.pk])
    response = admin_client.post(url, {"place": agenda.place_id, "name": "Équipe B"})
    assert "existe déjà dans ce lieu" in response.content.decode()
    admin_client.post(url, {"place": agenda.place_id, "name": "Équipe C"})
    with tenant_context(alpha):
        agenda.refresh_from_db()
        assert agenda.name == "Équipe C"


def test_archive_agenda_deactivates_its_templates_then_unarchive(alpha, admin_client, agenda):
    with tenant_context(alpha):
        template = SlotTemplate.objects.create(
            agenda=agenda, appointment_type=slot_type(), weekday=1, start_time="14:00"
        )
    url = reverse("organisation:agenda_archive", args=[agenda.pk])
    response = admin_client.post(url, {"action": "archiver"}, follow=True)
    assert "1 modèle de créneau désactivé" in response.content.decode()
    with tenant_context(alpha):
        agenda.refresh_from_db()
        template.refresh_from_db()
        assert agenda.is_archived and not template.is_active
    admin_client.post(url, {"action": "desarchiver"})
    with tenant_context(alpha):
        agenda.refresh_from_db()
        assert not agenda.is_archived


def test_agenda_of_an_archived_place_cannot_be_unarchived(alpha, admin_client, agenda):
    with tenant_context(alpha):
        agenda.archive()
        agenda.place.archive()
    response = admin_client.post(
        reverse("organisation:agenda_archive", args=[agenda.pk]),
        {"action": "desarchiver"},
        follow=True,
    )
    assert "désarchivez d&#x27;abord le lieu" in response.content.decode()
    with tenant_context(alpha):
        agenda.refresh_from_db()
        assert agenda.is_archived


def test_unused_agenda_is_deleted_used_agenda_is_kept(alpha, admin_client, agenda):
    with tenant_context(alpha):
        unused = Agenda.objects.create(place=agenda.place, name="Jamais utilisé")
        SlotTemplate.objects.create(
            agenda=agenda, appointment_type=slot_type(), weekday=1, start_time="14:00"
        )
    admin_client.post(reverse("organisation:agenda_delete", args=[unused.pk]))
    response = admin_client.post(
        reverse("organisation:agenda_delete", args=[agenda.pk]), follow=True
    )
    assert "ne peut pas être supprimé, archivez-le" in response.content.decode()
    with tenant_context(alpha):
        assert not Agenda.objects.filter(pk=unused.pk).exists()
        assert Agenda.objects.filter(pk=agenda.pk).exists()


def test_agenda_of_another_jurisdiction_is_not_found(beta, admin_client):
    with tenant_context(beta):
        foreign = Agenda.objects.create(
            pk=900_000_002, place=make_place("Antenne de Saint-Pierre"), name="Équipe Sud"
        )
    assert (
        admin_client.get(reverse("organisation:agenda_edit", args=[foreign.pk])).status_code == 404
    )
    for name in ("agenda_archive", "agenda_delete"):
        url = reverse(f"organisation:{name}", args=[foreign.pk])
        assert admin_client.post(url, {"action": "archiver"}).status_code == 404
    with tenant_context(beta):
        foreign.refresh_from_db()
        assert not foreign.is_archived
