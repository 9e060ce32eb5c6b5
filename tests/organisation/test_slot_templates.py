"""Slot templates: slots generated at once, on weekdays, skipping the territory's holidays."""

from datetime import UTC, date, datetime, time

from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import Agenda, AppointmentType
from jurisdiction_apps.scheduling.models import Slot, SlotTemplate
from jurisdiction_apps.scheduling.services import generate_slots, save_slot_template
from tenants.constants import Role
from tests.factories import MembershipFactory

from .conftest import FREE_TIME_TYPE, SLOT_TYPE, WEEKEND_TYPE, h1_count, host_client, make_place


def type_pk(code: str) -> int:
    return AppointmentType.objects.get(code=code).pk


def template_data(agenda: Agenda, type_id: int, **overrides) -> dict:
    return {
        "agenda": agenda.pk,
        "appointment_type": type_id,
        "weekday": 0,
        "start_time": "09:00",
        "duration_minutes": 30,
        "capacity": 1,
        "starts_on": "",
        "ends_on": "",
        **overrides,
    }


def test_monday_template_creates_its_slots_and_skips_easter_monday(
    alpha, admin, agenda, freeze_time
):
    freeze_time(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    client = host_client("alpha.localhost", admin.user)
    with tenant_context(alpha):
        data = template_data(
            agenda, type_pk(SLOT_TYPE), starts_on="2027-03-08", ends_on="2027-04-19"
        )
    response = client.post(reverse("organisation:slot_template_create"), data, follow=True)
    assert "Modèle enregistré : 6 créneaux créés jusqu&#x27;au 19 avril 2027." in (
        response.content.decode()
    )
    with tenant_context(alpha):
        slots = list(Slot.objects.filter(agenda=agenda).order_by("starts_at"))
    local = [slot.starts_at.astimezone(alpha.zone) for slot in slots]
    assert [moment.date() for moment in local] == [
        date(2027, 3, 8),
        date(2027, 3, 15),
        date(2027, 3, 22),
        # 29 March 2027: Lundi de Pâques
        date(2027, 4, 5),
        date(2027, 4, 12),
        date(2027, 4, 19),
    ]
    assert {moment.time() for moment in local} == {time(9, 0)}
    # Stored in UTC: 08:00 before the change to summer time (28 March), 07:00 after.
    assert slots[0].starts_at == datetime(2027, 3, 8, 8, 0, tzinfo=UTC)
    assert slots[3].starts_at == datetime(2027, 4, 5, 7, 0, tzinfo=UTC)


def test_reunion_template_skips_abolition_day_and_stores_utc_shown_in_local_time(beta, freeze_time):
    freeze_time(datetime(2027, 12, 1, 0, 0, tzinfo=UTC))
    admin = MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN)
    client = host_client("beta.localhost", admin.user)
    with tenant_context(beta):
        agenda = Agenda.objects.create(place=make_place("Antenne de Saint-Denis"), name="Sud")
        data = template_data(
            agenda, type_pk(SLOT_TYPE), starts_on="2027-12-01", ends_on="2027-12-31"
        )
    response = client.post(reverse("organisation:slot_template_create"), data, follow=True)
    assert "3 créneaux créés jusqu&#x27;au 31 décembre 2027" in response.content.decode()
    with tenant_context(beta):
        starts = list(Slot.objects.order_by("starts_at").values_list("starts_at", flat=True))
    # Mondays 6, 13 and 27 December; 20 December is the abolition of slavery in La Réunion.
    assert starts == [
        datetime(2027, 12, 6, 5, 0, tzinfo=UTC),
        datetime(2027, 12, 13, 5, 0, tzinfo=UTC),
        datetime(2027, 12, 27, 5, 0, tzinfo=UTC),
    ]
    page = client.get(
        reverse("organisation:slots"), {"agenda": agenda.pk, "du": "2027-12-01", "au": "2027-12-31"}
    ).content.decode()
    assert "lundi 6 décembre 2027" in page
    assert "09:00 – 09:30" in page
    assert "05:00" not in page


def test_weekend_template_only_for_types_that_allow_it(alpha, admin, agenda, freeze_time):
    freeze_time(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    client = host_client("alpha.localhost", admin.user)
    url = reverse("organisation:slot_template_create")
    with tenant_context(alpha):
        weekday_only = template_data(agenda, type_pk(SLOT_TYPE), weekday=5)
        weekend_ok = template_data(
            agenda,
            type_pk(WEEKEND_TYPE),
            weekday=5,
            starts_on="2027-03-01",
            ends_on="2027-03-31",
            duration_minutes=180,
        )
    response = client.post(url, weekday_only)
    assert "Ce type de rendez-vous n&#x27;est pas proposé le week-end." in (
        response.content.decode()
    )
    with tenant_context(alpha):
        assert not SlotTemplate.objects.exists()
    client.post(url, weekend_ok)
    with tenant_context(alpha):
        days = [
            s.astimezone(alpha.zone).date()
            for s in Slot.objects.values_list("starts_at", flat=True)
        ]
    assert sorted(days) == [
        date(2027, 3, 6),
        date(2027, 3, 13),
        date(2027, 3, 20),
        date(2027, 3, 27),
    ]


def test_template_type_must_be_offered_by_the_place_and_book_on_slots(alpha, admin_client):
    with tenant_context(alpha):
        agenda = Agenda.objects.create(
            place=make_place(codes=(SLOT_TYPE, FREE_TIME_TYPE)), name="Équipe A"
        )
        elsewhere = make_place("Autre lieu", codes=("action-collective",))
        not_offered = template_data(agenda, type_pk("action-collective"))
        free_time = template_data(agenda, type_pk(FREE_TIME_TYPE))
    url = reverse("organisation:slot_template_create")
    # The form narrows the list to the agenda's place when the agenda is known.
    page = admin_client.get(url, {"agenda": agenda.pk}).content.decode()
    assert "1ère convocation de suivi SPIP" in page
    assert "Action collective" not in page
    assert "Convocation de suivi SPIP" not in page  # free-time type
    body = admin_client.post(url, not_offered).content.decode()
    assert "Sélectionnez un choix valide" in body
    body = admin_client.post(url, free_time).content.decode()
    assert "Sélectionnez un choix valide" in body
    with tenant_context(alpha):
        assert not SlotTemplate.objects.exists()
        assert elsewhere.appointment_types.count() == 1


def test_template_dates_are_checked(alpha, admin_client, agenda):
    with tenant_context(alpha):
        reversed_dates = template_data(
            agenda, type_pk(SLOT_TYPE), starts_on="2030-05-10", ends_on="2030-05-01"
        )
        past_end = template_data(agenda, type_pk(SLOT_TYPE), ends_on="2020-01-01")
    url = reverse("organisation:slot_template_create")
    assert (
        "La date de fin précède la date de début."
        in admin_client.post(url, reversed_dates).content.decode()
    )
    assert "Cette date est passée" in admin_client.post(url, past_end).content.decode()
    with tenant_context(alpha):
        assert not SlotTemplate.objects.exists()


def test_edit_template_changes_future_generation_only(alpha, admin, agenda, freeze_time):
    freeze_time(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    client = host_client("alpha.localhost", admin.user)
    with tenant_context(alpha):
        template = SlotTemplate(
            agenda=agenda,
            appointment_type=AppointmentType.objects.get(code=SLOT_TYPE),
            weekday=0,
            start_time=time(9, 0),
            starts_on=date(2027, 3, 8),
            ends_on=date(2027, 3, 22),
        )
        assert save_slot_template(template, acting_user=admin.user) == 3
    url = reverse("organisation:slot_template_edit", args=[template.pk])
    page = client.get(url)
    assert page.status_code == 200 and h1_count(page) == 1
    assert "ne s'applique qu'aux créneaux créés à partir de maintenant" in page.content.decode()
    data = {
        "weekday": 0,
        "start_time": "10:00",
        "duration_minutes": 45,
        "capacity": 2,
        "starts_on": "2027-03-08",
        "ends_on": "2027-03-22",
        # disabled fields: a tampered value is ignored
        "agenda": 999_999,
        "appointment_type": 999_999,
    }
    response = client.post(url, data, follow=True)
    assert "Modèle modifié : 3 créneaux créés" in response.content.decode()
    assert "Les créneaux déjà créés n&#x27;ont pas changé." in response.content.decode()
    with tenant_context(alpha):
        template.refresh_from_db()
        assert template.agenda_id == agenda.pk
        assert (template.start_time, template.duration_minutes, template.capacity) == (
            time(10, 0),
            45,
            2,
        )
        by_hour = {}
        for slot in Slot.objects.filter(template=template):
            by_hour.setdefault(slot.starts_at.astimezone(alpha.zone).hour, []).append(slot)
    assert {hour: len(slots) for hour, slots in by_hour.items()} == {9: 3, 10: 3}
    assert {slot.duration_minutes for slot in by_hour[9]} == {30}
    assert {slot.capacity for slot in by_hour[10]} == {2}


def test_deactivate_then_reactivate_template(alpha, admin, agenda, freeze_time):
    freeze_time(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    client = host_client("alpha.localhost", admin.user)
    with tenant_context(alpha):
        template = SlotTemplate.objects.create(
            agenda=agenda,
            appointment_type=AppointmentType.objects.get(code=SLOT_TYPE),
            weekday=2,
            start_time=time(14, 0),
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 3, 31),
        )
    url = reverse("organisation:slot_template_deactivate", args=[template.pk])
    response = client.post(url, {"action": "desactiver"}, follow=True)
    assert "Modèle désactivé" in response.content.decode()
    with tenant_context(alpha):
        template.refresh_from_db()
        assert not template.is_active
        assert generate_slots(template) == 0
    response = client.post(url, {"action": "reactiver"}, follow=True)
    # Wednesdays 3, 10, 17, 24 and 31 March 2027
    assert "Modèle réactivé : 5 créneaux créés jusqu&#x27;au 31 mars 2027." in (
        response.content.decode()
    )
    page = client.get(reverse("organisation:slot_templates"))
    body = page.content.decode()
    assert page.status_code == 200 and h1_count(page) == 1
    assert "Mercredi à 14:00" in body


def test_template_of_another_jurisdiction_is_not_found(beta, admin_client):
    with tenant_context(beta):
        agenda = Agenda.objects.create(place=make_place("Antenne Sud"), name="Sud")
        foreign = SlotTemplate.objects.create(
            pk=900_000_003,
            agenda=agenda,
            appointment_type=AppointmentType.objects.get(code=SLOT_TYPE),
            weekday=0,
            start_time=time(9, 0),
        )
    edit = reverse("organisation:slot_template_edit", args=[foreign.pk])
    assert admin_client.get(edit).status_code == 404
    deactivate = reverse("organisation:slot_template_deactivate", args=[foreign.pk])
    assert admin_client.post(deactivate, {"action": "desactiver"}).status_code == 404
    with tenant_context(beta):
        foreign.refresh_from_db()
        assert foreign.is_active
