"""The STOP link and what agents see: messages on the appointment, failures, flags."""

import pytest
from django.test import Client
from django.utils import timezone

from jurisdiction_apps.notifications.constants import FailureReason, MessageKind, MessageState
from jurisdiction_apps.notifications.models import Message, StopToken
from jurisdiction_apps.people.models import Person, PersonAudit
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory
from tests.notifications.test_sending import send_due


def client_for(alpha, role=Role.CPIP):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=role).user)
    return client


@pytest.fixture
def sent(daytime, gateway, person, book_in):
    appointment = book_in(person, hours=72)
    send_due()
    return Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)


def stop_token_in(text: str) -> str:
    return text.rsplit("/stop/", 1)[1].strip("/")


def test_the_stop_link_asks_then_stops_every_sms_once(sent, person, alpha):
    token = stop_token_in(sent.text)
    anonymous = Client(HTTP_HOST="alpha.localhost")
    page = anonymous.get(f"/stop/{token}/")
    assert page.status_code == 200
    assert "Je ne veux plus recevoir de SMS" in page.content.decode()
    person.refresh_from_db()
    assert not person.refuses_sms  # a GET (a link preview) changes nothing
    done = anonymous.post(f"/stop/{token}/")
    assert "Vous ne recevrez plus de SMS" in done.content.decode()
    person.refresh_from_db()
    assert person.refuses_sms
    reminder = Message.objects.get(appointment=sent.appointment, kind=MessageKind.REMINDER)
    assert (reminder.state, reminder.reason) == (
        MessageState.NOT_SENDABLE,
        FailureReason.REFUSES_SMS,
    )
    assert StopToken.objects.get(token=token).used_at is not None
    again = anonymous.post(f"/stop/{token}/")
    assert "déjà servi" in again.content.decode()
    assert PersonAudit.objects.filter(pgh_obj=person, refuses_sms=True).exists()
    agent = client_for(alpha, Role.LOCAL_ADMIN)
    audit = agent.get(f"/personnes/{person.pk}/tracabilite/").content.decode()
    assert "La personne (lien STOP d&#x27;un SMS)" in audit


def test_an_unknown_stop_token_is_404(in_alpha):
    assert Client(HTTP_HOST="alpha.localhost").get("/stop/nope1234xx/").status_code == 404


def test_a_signed_in_agent_of_another_jurisdiction_may_open_a_stop_link(sent, beta):
    token = stop_token_in(sent.text)
    stranger = Client(HTTP_HOST="alpha.localhost")
    sign_in(stranger, MembershipFactory(jurisdiction=beta).user)
    assert stranger.get(f"/stop/{token}/").status_code == 200


def test_an_agent_re_enables_sms_and_a_new_link_is_issued(sent, person, alpha):
    token = stop_token_in(sent.text)
    Client(HTTP_HOST="alpha.localhost").post(f"/stop/{token}/")
    client = client_for(alpha)
    page = client.get(f"/personnes/{person.pk}/")
    assert "demande à recevoir de nouveau les SMS" in page.content.decode()
    client.post(f"/sms/personnes/{person.pk}/refus/", {"refuses": "0"})
    person.refresh_from_db()
    assert not person.refuses_sms
    from jurisdiction_apps.notifications.texts import stop_tokens

    assert stop_tokens([person.pk])[person.pk] != token


def test_the_appointment_page_lists_its_messages_and_states(sent, alpha):
    page = client_for(alpha).get(f"/convocations/{sent.appointment_id}/").content.decode()
    assert 'data-sms-kind="summon" data-sms-state="sent"' in page
    assert 'data-sms-kind="reminder" data-sms-state="created"' in page


def test_a_failed_number_shows_on_the_failures_page_and_the_person_page(
    daytime, gateway, person, book_in, alpha
):
    gateway.set_switches({"invalid_numbers": [person.phone]})
    appointment = book_in(person, hours=72)
    send_due()
    failed = Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)
    assert failed.state == MessageState.FAILED
    client = client_for(alpha)
    failures = client.get("/sms/echecs/").content.decode()
    assert str(person) in failures and "Numéro invalide" in failures
    person_page = client.get(f"/personnes/{person.pk}/").content.decode()
    assert "Le numéro de portable ne fonctionne pas" in person_page
    # The agent fixes the number, then sends again: the same message row, sent once.
    Person.objects.filter(pk=person.pk).update(phone="+33698765432")
    gateway.set_switches({"invalid_numbers": []})
    response = client.post(f"/sms/{failed.pk}/renvoyer/")
    assert response.status_code == 302
    send_due()
    failed.refresh_from_db()
    assert failed.state == MessageState.SENT and failed.phone == "+33698765432"
    assert (
        "Le numéro de portable ne fonctionne pas"
        not in client.get(f"/personnes/{person.pk}/").content.decode()
    )


def test_marking_no_mobile_from_the_failures_page(daytime, gateway, person, book_in, alpha):
    gateway.set_switches({"unreachable_numbers": [person.phone]})
    appointment = book_in(person, hours=72)
    send_due()
    client_for(alpha).post(f"/sms/personnes/{person.pk}/sans-portable/")
    person.refresh_from_db()
    assert person.no_mobile_phone and person.phone == ""
    reminder = Message.objects.get(appointment=appointment, kind=MessageKind.REMINDER)
    assert reminder.state == MessageState.NOT_SENDABLE


def test_sending_again_is_refused_when_nothing_can_go(daytime, gateway, person, book_in, alpha):
    gateway.set_switches({"invalid_numbers": [person.phone]})
    appointment = book_in(person, hours=72)
    send_due()
    failed = Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)
    from jurisdiction_apps.scheduling.models import Appointment

    Appointment.objects.filter(pk=appointment.pk).update(starts_at=timezone.now())
    client = client_for(alpha)
    response = client.post(f"/sms/{failed.pk}/renvoyer/", follow=True)
    assert "Le rendez-vous est passé" in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == MessageState.FAILED


def test_a_psychologist_cannot_change_sms_settings(sent, person, alpha):
    client = client_for(alpha, Role.PSYCHOLOGIST)
    assert client.post(f"/sms/personnes/{person.pk}/sans-portable/").status_code == 403
    assert client.get("/sms/echecs/").status_code == 200
