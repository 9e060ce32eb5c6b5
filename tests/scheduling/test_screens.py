from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.scheduling.constants import AppointmentState, NotifyMode
from jurisdiction_apps.scheduling.models import Appointment, Slot
from jurisdiction_apps.scheduling.services import BookingRequest, book
from tenants.constants import Role
from tests.auth import sign_in
from tests.dates import open_day
from tests.factories import MembershipFactory
from tests.scheduling.helpers import book_on_new_slot


@pytest.fixture
def client_for(alpha):
    def make(user):
        client = Client(HTTP_HOST="alpha.localhost")
        sign_in(client, user)
        return client

    return make


def test_booking_on_a_slot_through_the_screens(
    person, slot_type, office, agenda, make_slot, bex, client_for, alpha
):
    slot = make_slot(capacity=1)
    client = client_for(bex)
    steps = f"personne={person.pk}&type={slot_type.pk}&lieu={office.pk}&agenda={agenda.pk}"
    page = client.get(f"/convocations/nouvelle/?{steps}")
    assert page.status_code == 200
    assert f'value="{slot.pk}"' in page.content.decode()
    response = client.post(
        "/convocations/nouvelle/",
        {
            "personne": person.pk,
            "type": slot_type.pk,
            "lieu": office.pk,
            "agenda": agenda.pk,
            "slot": slot.pk,
            "notify_mode": NotifyMode.REMIND_ONLY,
            "case_numbers": "26001234567",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        appointment = Appointment.objects.get()
        assert appointment.notify_mode == NotifyMode.REMIND_ONLY
        assert appointment.booked_by_id == bex.pk
        assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_booking_a_full_slot_shows_a_french_message_and_changes_nothing(
    person, slot_type, office, agenda, make_slot, bex, client_for, alpha
):
    slot = make_slot(capacity=1, booked_count=1)
    response = client_for(bex).post(
        "/convocations/nouvelle/",
        {
            "personne": person.pk,
            "type": slot_type.pk,
            "lieu": office.pk,
            "agenda": agenda.pk,
            "slot": slot.pk,
            "notify_mode": NotifyMode.NOTIFY_AND_REMIND,
            "case_numbers": "1",
        },
    )
    assert response.status_code == 400
    assert "Ce créneau est complet" in response.content.decode()
    with tenant_context(alpha):
        assert not Appointment.objects.exists()


def test_a_role_cannot_book_a_type_of_another_family(
    person, slot_type, office, agenda, make_slot, cpip, client_for, alpha
):
    slot = make_slot()
    response = client_for(cpip).post(
        "/convocations/nouvelle/",
        {
            "personne": person.pk,
            "type": slot_type.pk,
            "lieu": office.pk,
            "agenda": agenda.pk,
            "slot": slot.pk,
            "notify_mode": NotifyMode.NOTIFY_AND_REMIND,
            "case_numbers": "1",
        },
    )
    # BEX types are not offered to a CPIP: refused on the type, in French
    assert response.status_code == 400
    assert "Ce type de rendez-vous ne vous est pas proposé" in response.content.decode()
    with tenant_context(alpha):
        assert not Appointment.objects.exists()


def test_free_time_booking_in_the_jurisdictions_local_time(
    person, free_type, office, cpip, client_for, alpha
):
    day = open_day(alpha, 8)
    response = client_for(cpip).post(
        "/convocations/nouvelle/",
        {
            "personne": person.pk,
            "type": free_type.pk,
            "lieu": office.pk,
            "date": day.isoformat(),
            "time": "14:15",
            "duration_minutes": 45,
            "notify_mode": NotifyMode.NOTIFY_AND_REMIND,
            "assigned_agent": cpip.pk,
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        appointment = Appointment.objects.get()
    assert timezone.localtime(appointment.starts_at, alpha.zone).time() == time(14, 15)
    assert appointment.assigned_agent_id == cpip.pk


def _past_appointment(person, slot_type, office, agenda, make_slot, user, hours_ago=3):
    return book_on_new_slot(person, slot_type, office, agenda, make_slot, user, -hours_ago)


def test_mark_missed_then_reschedule_from_the_no_show_worklist(
    person, slot_type, office, agenda, make_slot, bex, client_for, alpha
):
    cpip = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    appointment = _past_appointment(person, slot_type, office, agenda, make_slot, bex)
    new_slot = make_slot(hours_from_now=96)
    client = client_for(cpip)
    awaiting = client.get("/agenda/a-renseigner/").content.decode()
    assert str(person) in awaiting
    client.post(f"/convocations/{appointment.pk}/statut/", {"action": "no_show"})
    worklist = client.get("/agenda/absences/").content.decode()
    assert f"/convocations/{appointment.pk}/reporter/" in worklist
    assert "tel:+33612345678" in worklist
    # a CPIP reschedules a BEX type: the agent may record outcomes, the type choice is the old one
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    response = client_for(admin).post(
        f"/convocations/{appointment.pk}/reporter/",
        {
            "type": slot_type.pk,
            "lieu": office.pk,
            "agenda": agenda.pk,
            "slot": new_slot.pk,
            "notify_mode": NotifyMode.NOTIFY_AND_REMIND,
            "case_numbers": "1",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        appointment.refresh_from_db()
        assert appointment.state == AppointmentState.NO_SHOW
        assert appointment.replaced_by.slot_id == new_slot.pk
    assert str(person) not in client.get("/agenda/absences/").content.decode()


def test_status_change_the_state_does_not_allow_is_a_french_message(
    person, slot_type, office, agenda, make_slot, bex, client_for, alpha
):
    slot = make_slot(hours_from_now=48)
    appointment = book(
        BookingRequest(
            person=person,
            appointment_type=slot_type,
            place=office,
            agenda=agenda,
            slot_id=slot.pk,
            case_numbers="1",
        ),
        acting_user=bex,
    )
    response = client_for(bex).post(
        f"/convocations/{appointment.pk}/statut/", {"action": "fulfilled"}, follow=True
    )
    assert "pas encore eu lieu" in response.content.decode()
    with tenant_context(alpha):
        appointment.refresh_from_db()
        assert appointment.state == AppointmentState.BOOKED
    assert (
        client_for(bex)
        .post(f"/convocations/{appointment.pk}/statut/", {"action": "detruire"})
        .status_code
        == 400
    )


def test_appointment_of_another_jurisdiction_is_404(
    person, slot_type, office, agenda, make_slot, bex, beta
):
    slot = make_slot()
    appointment = book(
        BookingRequest(
            person=person,
            appointment_type=slot_type,
            place=office,
            agenda=agenda,
            slot_id=slot.pk,
            case_numbers="1",
        ),
        acting_user=bex,
    )
    beta_agent = MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN).user
    client = Client(HTTP_HOST="beta.localhost")
    sign_in(client, beta_agent)
    assert client.get(f"/convocations/{appointment.pk}/").status_code == 404
    assert (
        client.post(f"/convocations/{appointment.pk}/statut/", {"action": "cancelled"}).status_code
        == 404
    )
    assert client.get(f"/convocations/{appointment.pk}/reporter/").status_code == 404


def test_day_view_and_day_sheet_with_constant_queries(
    person, slot_type, office, agenda, make_slot, bex, client_for, django_assert_max_num_queries
):
    for hours in range(2, 12):
        slot = make_slot(hours_from_now=hours, capacity=5)
        book(
            BookingRequest(
                person=person,
                appointment_type=slot_type,
                place=office,
                agenda=agenda,
                slot_id=slot.pk,
                case_numbers="1",
            ),
            acting_user=bex,
        )
    client = client_for(bex)
    day = timezone.localtime(timezone.now() + timedelta(hours=2)).date().isoformat()
    # Pages with the menu: 15, + its count of transfers to answer (shared/transfers).
    with django_assert_max_num_queries(16):
        page = client.get(f"/agenda/?date={day}&agenda={agenda.pk}")
    assert page.status_code == 200
    with django_assert_max_num_queries(12):
        sheet = client.get(f"/agenda/feuille/?date={day}&agenda={agenda.pk}")
    assert "MARTIN Léa" in sheet.content.decode()
    with django_assert_max_num_queries(16):
        assert client.get("/agenda/absences/").status_code == 200
