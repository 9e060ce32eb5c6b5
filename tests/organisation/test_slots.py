"""Slots of an agenda over a period: local times, bulk close and reopen, one-off slots."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda
from jurisdiction_apps.scheduling.models import Slot
from tenants.constants import Role
from tests.dates import local_today
from tests.factories import MembershipFactory

from .conftest import h1_count, host_client, make_place, slot_type

NOW = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)  # Monday 1 March 2027, 08:00 in Paris


def make_slots(agenda, count, *, first=None, step=timedelta(hours=1)):
    first = first or NOW + timedelta(days=1)
    kind = slot_type()
    return Slot.objects.bulk_create(
        Slot(agenda=agenda, appointment_type=kind, starts_at=first + step * n, capacity=2)
        for n in range(count)
    )


def test_default_period_is_the_next_fourteen_days_of_the_first_agenda(
    alpha, admin, agenda, freeze_time
):
    freeze_time(NOW)
    client = host_client("alpha.localhost", admin.user)
    with tenant_context(alpha):
        make_slots(agenda, 3, first=NOW + timedelta(days=12, hours=1), step=timedelta(days=1))
    response = client.get(reverse("organisation:slots"))
    body = response.content.decode()
    assert response.status_code == 200 and h1_count(response) == 1
    assert "du 1 mars 2027 au 14 mars 2027" in body
    # 13 and 14 March are in the period, 15 March is not.
    assert "samedi 13 mars 2027" in body and "dimanche 14 mars 2027" in body
    assert "lundi 15 mars 2027" not in body
    assert body.count('name="slots"') == 2


def test_period_errors_are_reported_in_french(alpha, admin_client, agenda):
    url = reverse("organisation:slots")
    response = admin_client.get(url, {"agenda": agenda.pk, "du": "2030-05-10", "au": "2030-05-01"})
    assert response.status_code == 200
    assert "La date de fin précède la date de début." in response.content.decode()
    response = admin_client.get(url, {"agenda": agenda.pk, "du": "2030-01-01", "au": "2030-12-31"})
    assert "Choisissez une période de 92 jours au plus." in response.content.decode()
    response = admin_client.get(url, {"agenda": "abc", "du": "demain"})
    assert response.status_code == 200
    assert "Saisissez une date valide." in response.content.decode()


def test_bulk_close_then_reopen(alpha, admin, agenda, freeze_time):
    freeze_time(NOW)
    client = host_client("alpha.localhost", admin.user)
    with tenant_context(alpha):
        first, second, third = make_slots(agenda, 3)
    url = reverse("organisation:slots") + f"?agenda={agenda.pk}"
    response = client.post(url, {"action": "fermer", "slots": [first.pk, second.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == url
    body = response.content.decode()
    assert "2 créneaux fermés." in body
    assert body.count(">Fermé</span>") == 2
    with tenant_context(alpha):
        assert set(Slot.objects.filter(is_closed=True).values_list("pk", flat=True)) == {
            first.pk,
            second.pk,
        }
    response = client.post(url, {"action": "rouvrir", "slots": [first.pk, third.pk]}, follow=True)
    assert "1 créneau rouvert." in response.content.decode()  # the third one was open
    with tenant_context(alpha):
        assert list(Slot.objects.filter(is_closed=True).values_list("pk", flat=True)) == [second.pk]


def test_bulk_refuses_slots_of_another_agenda_past_slots_and_empty_selection(
    alpha, admin, agenda, freeze_time
):
    freeze_time(NOW)
    client = host_client("alpha.localhost", admin.user)
    with tenant_context(alpha):
        (mine,) = make_slots(agenda, 1)
        other = Agenda.objects.create(place=agenda.place, name="Équipe B")
        (theirs,) = make_slots(other, 1)
        (past,) = make_slots(agenda, 1, first=NOW - timedelta(days=1))
    url = reverse("organisation:slots") + f"?agenda={agenda.pk}"
    for data, message in (
        ({"action": "fermer", "slots": [mine.pk, theirs.pk]}, "n&#x27;existe pas dans cet agenda"),
        ({"action": "fermer", "slots": [past.pk]}, "ou est passé"),
        ({"action": "fermer"}, "Cochez au moins un créneau."),
        ({"action": "supprimer", "slots": [mine.pk]}, "Action inconnue."),
        ({"action": "fermer", "slots": ["x"]}, "Sélection de créneaux invalide."),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode(), data
    with tenant_context(alpha):
        assert not Slot.objects.filter(is_closed=True).exists()


def test_one_off_slot_in_the_past_is_refused_in_french(alpha, admin_client, agenda):
    yesterday = local_today(alpha) - timedelta(days=1)
    with tenant_context(alpha):
        data = {
            "agenda": agenda.pk,
            "appointment_type": slot_type().pk,
            "day": yesterday.isoformat(),
            "start_time": "10:00",
            "duration_minutes": 30,
            "capacity": 1,
        }
    response = admin_client.post(reverse("organisation:slot_create"), data)
    assert response.status_code == 200
    assert "Un créneau ne peut pas commencer dans le passé." in response.content.decode()
    with tenant_context(alpha):
        assert not Slot.objects.exists()


def test_one_off_slot_is_stored_in_utc_from_the_jurisdiction_local_time(beta, freeze_time):
    freeze_time(datetime(2027, 12, 1, 0, 0, tzinfo=UTC))
    admin = MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN)
    client = host_client("beta.localhost", admin.user)
    with tenant_context(beta):
        agenda = Agenda.objects.create(place=make_place("Antenne du Port"), name="Ouest")
        data = {
            "agenda": agenda.pk,
            "appointment_type": slot_type().pk,
            "day": "2027-12-07",
            "start_time": "14:30",
            "duration_minutes": 60,
            "capacity": 8,
        }
    page = client.get(reverse("organisation:slot_create"), {"agenda": agenda.pk})
    assert page.status_code == 200 and h1_count(page) == 1
    response = client.post(reverse("organisation:slot_create"), data, follow=True)
    assert "Créneau créé le mardi 7 décembre 2027 à 14:30." in response.content.decode()
    with tenant_context(beta):
        slot = Slot.objects.get()
    assert slot.starts_at == datetime(2027, 12, 7, 10, 30, tzinfo=UTC)
    assert (slot.duration_minutes, slot.capacity, slot.template_id) == (60, 8, None)


def test_one_off_slot_refusals_holiday_weekend_duplicate(beta, freeze_time):
    freeze_time(datetime(2027, 12, 1, 0, 0, tzinfo=UTC))
    admin = MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN)
    client = host_client("beta.localhost", admin.user)
    with tenant_context(beta):
        agenda = Agenda.objects.create(place=make_place("Antenne du Port"), name="Ouest")
        base = {
            "agenda": agenda.pk,
            "appointment_type": slot_type().pk,
            "start_time": "09:00",
            "duration_minutes": 30,
            "capacity": 1,
        }
    url = reverse("organisation:slot_create")
    body = client.post(url, {**base, "day": "2027-12-20"}).content.decode()
    assert "Ce jour est férié (Abolition de l&#x27;esclavage)" in body
    body = client.post(url, {**base, "day": "2027-12-11"}).content.decode()  # a Saturday
    assert "Ce type de rendez-vous n&#x27;est pas proposé le week-end." in body
    client.post(url, {**base, "day": "2027-12-08"})
    body = client.post(url, {**base, "day": "2027-12-08"}).content.decode()
    assert "Un créneau de ce type existe déjà à cette heure dans cet agenda." in body
    body = client.post(url, {**base, "day": "2027-12-09", "capacity": 0}).content.decode()
    assert "supérieure ou égale à 1" in body
    with tenant_context(beta):
        assert Slot.objects.count() == 1


def test_slot_list_queries_do_not_grow_with_the_number_of_slots(
    alpha, admin, agenda, freeze_time, django_assert_max_num_queries
):
    freeze_time(NOW)
    client = host_client("alpha.localhost", admin.user)
    url = reverse("organisation:slots")
    params = {"agenda": agenda.pk, "du": "2027-03-01", "au": "2027-03-31"}
    with tenant_context(alpha):
        make_slots(agenda, 1)
    client.get(url, params)  # warm up the session and caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, params).content.decode().count('name="slots"') == 1
    with tenant_context(alpha):
        make_slots(agenda, 99, first=NOW + timedelta(days=2), step=timedelta(hours=2))
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as hundred:
        response = client.get(url, params)
    assert response.content.decode().count('name="slots"') == 100
    assert len(hundred) == len(one)


def test_slot_screens_with_no_agenda(alpha, admin_client):
    response = admin_client.get(reverse("organisation:slots"))
    assert response.status_code == 200
    assert "Aucun agenda pour le moment" in response.content.decode()
    response = admin_client.post(reverse("organisation:slots"), {"action": "fermer"}, follow=True)
    assert "rien n&#x27;a changé" in response.content.decode()
