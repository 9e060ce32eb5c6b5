"""The go-live checklist: items computed from the data, the test SMS round trip, going live with or
without an override, reminders of imported appointments scheduled at go-live."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.constants import MessageKind, MessageState
from jurisdiction_apps.notifications.models import Message, TemplateOverride
from jurisdiction_apps.notifications.services import schedule_missing_reminders
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.scheduling.models import AppointmentEvent, SlotTemplate
from onboarding.creation import checklist, services
from onboarding.creation.views import TEXTS_OPENED_KEY
from onboarding.models import TestSms as SentTestSms  # "Test*" names are collected
from tenants.constants import JurisdictionStatus, Role
from tenants.models import JurisdictionEvent
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.national_stats.helpers import PARIS, at, make_appointment, make_person
from tests.notifications import conftest as sms_fixtures

pytestmark = pytest.mark.django_db

# The local SMS gateway of the SMS engine tests (fixtures shared by name).
_gateway_server, gateway = sms_fixtures._gateway_server, sms_fixtures.gateway

MOBILE = "06 12 34 56 78"


@pytest.fixture
def officer_user():
    return UserFactory(deployment_officer=True)


@pytest.fixture
def officer(officer_user):
    client = Client(HTTP_HOST="localhost")
    sign_in(client, officer_user)
    return client


def _done(jurisdiction) -> dict[str, bool]:
    return {item.key: item.done for item in checklist.compute(jurisdiction).items}


def _organise(jurisdiction):
    with tenant_context(jurisdiction):
        place = Place.objects.create(name="Antenne Gamma", postcode="75001")
        agenda = Agenda.objects.create(place=place, name="Équipe 1")
        SlotTemplate.objects.create(
            agenda=agenda,
            appointment_type=AppointmentType.objects.get(code="sortie-audience-spip"),
            weekday=0,
            start_time="09:00",
        )


def _complete(jurisdiction, officer_user):
    MembershipFactory(jurisdiction=jurisdiction, role=Role.CPIP)
    _organise(jurisdiction)
    services.confirm_sms_review(jurisdiction, acting_user=officer_user)
    SentTestSms.objects.create(
        jurisdiction=jurisdiction, phone="+33612345678", code_hash="x", confirmed_at=timezone.now()
    )


def test_items_flip_as_the_data_appears(gamma, officer_user):
    assert _done(gamma) == dict.fromkeys(
        ["agents", "places", "slot_templates", "sms_texts", "test_sms"], False
    )
    # The officer's own access, or a deactivated agent, is no agent of the jurisdiction.
    MembershipFactory(jurisdiction=gamma, user=officer_user, role=Role.LOCAL_ADMIN)
    MembershipFactory(jurisdiction=gamma, is_active=False)
    assert _done(gamma)["agents"] is False
    MembershipFactory(jurisdiction=gamma, role=Role.CPIP)
    assert _done(gamma)["agents"] is True

    with tenant_context(gamma):
        assert Place.objects.count() == 2  # the home and phone pseudo-places do not count
        place = Place.objects.create(name="Antenne Gamma", postcode="75001")
    assert _done(gamma)["places"] is False  # a place without agenda
    with tenant_context(gamma):
        agenda = Agenda.objects.create(place=place, name="Équipe 1")
    assert _done(gamma)["places"] is True
    with tenant_context(gamma):
        agenda.archive()
    assert _done(gamma)["places"] is False
    with tenant_context(gamma):
        agenda.unarchive()

    assert _done(gamma)["slot_templates"] is False
    with tenant_context(gamma):
        template = SlotTemplate.objects.create(
            agenda=agenda,
            appointment_type=AppointmentType.objects.get(code="sortie-audience-spip"),
            weekday=1,
            start_time="14:00",
            is_active=False,
        )
    assert _done(gamma)["slot_templates"] is False
    with tenant_context(gamma):
        SlotTemplate.objects.filter(pk=template.pk).update(is_active=True)
    assert _done(gamma)["slot_templates"] is True

    SentTestSms.objects.create(jurisdiction=gamma, phone="+33612345678", code_hash="x")
    assert _done(gamma)["test_sms"] is False  # sent, not received
    SentTestSms.objects.update(confirmed_at=timezone.now())
    assert _done(gamma)["test_sms"] is True
    assert checklist.compute(gamma).missing == ["sms_texts"]


def test_sms_texts_are_reviewed_until_a_text_changes(gamma, officer, officer_user):
    assert _done(gamma)["sms_texts"] is False
    session = officer.session  # the officer opened the texts (test_officer_access.py)
    session[TEXTS_OPENED_KEY] = ["gamma"]
    session.save()
    response = officer.post("/deploiement/juridictions/gamma/textes-sms/")
    assert response.status_code == 302
    event = JurisdictionEvent.objects.get(jurisdiction=gamma, kind=checklist.SMS_TEXTS_REVIEWED)
    assert event.actor == officer_user
    assert _done(gamma)["sms_texts"] is True
    with tenant_context(gamma):
        TemplateOverride.objects.create(
            appointment_type=AppointmentType.objects.first(), kind="reminder", text="Rappel {date}"
        )
    item = checklist.compute(gamma).item("sms_texts")
    assert item.done is False and "modifiés depuis la relecture" in item.detail
    officer.post("/deploiement/juridictions/gamma/textes-sms/")
    assert _done(gamma)["sms_texts"] is True


def _sent_code(gateway) -> str:
    (message,) = gateway.messages(destination="+33612345678")
    return re.search(r"\b(\d{6})\b", message["text"]).group(1)


def test_test_sms_round_trip(gamma, officer, gateway):
    response = officer.post("/deploiement/juridictions/gamma/sms-test/", {"phone": MOBILE})
    assert response.status_code == 302
    code = _sent_code(gateway)
    test_sms = SentTestSms.objects.get()
    assert test_sms.phone == "+33612345678" and test_sms.provider == "link"
    assert test_sms.provider_message_id
    # Only an HMAC of the code is stored.
    assert code not in test_sms.code_hash
    assert test_sms.code_hash != hashlib.sha256(code.encode()).hexdigest()
    page = officer.get("/deploiement/juridictions/gamma/").content.decode()
    assert "Code reçu par SMS" in page

    wrong = "000000" if code != "000000" else "111111"
    response = officer.post("/deploiement/juridictions/gamma/sms-test/code/", {"code": wrong})
    assert response.status_code == 400
    assert "Code erroné. Il vous reste 4 essais." in response.content.decode()
    assert _done(gamma)["test_sms"] is False

    response = officer.post("/deploiement/juridictions/gamma/sms-test/code/", {"code": code})
    assert response.status_code == 302
    test_sms.refresh_from_db()
    assert test_sms.confirmed_at is not None and test_sms.attempts == 1
    assert _done(gamma)["test_sms"] is True


def test_five_wrong_codes_and_the_test_sms_is_spent(gamma, officer_user, gateway):
    services.send_test_sms(gamma, MOBILE, acting_user=officer_user)
    code = _sent_code(gateway)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(services.OnboardingError, match=f"Il vous reste {left} essai"):
            services.confirm_test_sms(gamma, wrong, acting_user=officer_user)
    with pytest.raises(services.OnboardingError, match="Trop de codes erronés"):
        services.confirm_test_sms(gamma, wrong, acting_user=officer_user)
    with pytest.raises(services.OnboardingError, match="Trop de codes erronés"):
        services.confirm_test_sms(gamma, code, acting_user=officer_user)  # even the right one
    assert SentTestSms.objects.get().attempts == 5
    assert _done(gamma)["test_sms"] is False


def test_a_landline_or_a_refused_sms_is_said_in_french(gamma, officer, gateway):
    response = officer.post(
        "/deploiement/juridictions/gamma/sms-test/", {"phone": "01 44 55 66 77"}
    )
    assert response.status_code == 400
    assert "ligne fixe" in response.content.decode()
    gateway.set_switches({"invalid_numbers": ["+33612345678"]})
    response = officer.post("/deploiement/juridictions/gamma/sms-test/", {"phone": MOBILE})
    assert response.status_code == 400
    assert "n&#x27;a pas accepté le SMS de test" in response.content.decode()
    assert not SentTestSms.objects.exists()


def test_going_live_needs_a_complete_list_or_a_written_reason(gamma, officer, officer_user):
    page = officer.get("/deploiement/juridictions/gamma/").content.decode()
    assert '<button class="fr-btn" type="button" disabled>Mettre en service</button>' in page

    response = officer.post("/deploiement/juridictions/gamma/mise-en-service/")
    assert response.status_code == 302
    gamma.refresh_from_db()
    assert gamma.status == JurisdictionStatus.ONBOARDING

    response = officer.post("/deploiement/juridictions/gamma/mise-en-service/", {"reason": "court"})
    assert response.status_code == 400
    assert "10 caractères au moins" in response.content.decode()
    gamma.refresh_from_db()
    assert gamma.status == JurisdictionStatus.ONBOARDING

    reason = "Ouverture décidée par la cour d'appel, agents importés la semaine prochaine."
    MembershipFactory(jurisdiction=gamma, role=Role.CPIP)
    response = officer.post("/deploiement/juridictions/gamma/mise-en-service/", {"reason": reason})
    assert response.status_code == 302
    gamma.refresh_from_db()
    assert gamma.status == JurisdictionStatus.LIVE and gamma.went_live_at is not None
    event = JurisdictionEvent.objects.get(jurisdiction=gamma, kind="status_changed")
    assert event.actor == officer_user
    assert event.details["from"] == "onboarding" and event.details["to"] == "live"
    assert event.details["reason"] == reason
    assert event.details["override"] is True
    assert event.details["missing"] == ["places", "slot_templates", "sms_texts", "test_sms"]
    # Live: no more actions, nor a second go-live.
    with pytest.raises(services.OnboardingError, match="n'est pas en cours d'ouverture"):
        services.go_live(gamma, acting_user=officer_user, override_reason=reason)


def test_a_complete_list_goes_live_without_reason(gamma, officer, officer_user):
    _complete(gamma, officer_user)
    page = officer.get("/deploiement/juridictions/gamma/").content.decode()
    assert '<button class="fr-btn" type="submit">Mettre en service</button>' in page
    assert "5 sur 5" in page
    officer.post("/deploiement/juridictions/gamma/mise-en-service/")
    gamma.refresh_from_db()
    assert gamma.status == JurisdictionStatus.LIVE
    event = JurisdictionEvent.objects.get(jurisdiction=gamma, kind="status_changed")
    assert event.details["override"] is False and event.details["missing"] == []
    assert event.details["reason"] == ""


def test_the_list_page_shows_progress_of_jurisdictions_in_onboarding(gamma, officer, officer_user):
    _complete(gamma, officer_user)
    page = officer.get("/deploiement/").content.decode()
    assert "Juridiction Gamma" in page and "5 sur 5" in page
    assert "Juridiction Alpha" not in page  # live


# --- reminders at go-live ------------------------------------------------------------------------
def _reminders(appointment):
    return list(Message.objects.filter(appointment=appointment, kind=MessageKind.REMINDER))


def test_go_live_schedules_reminders_of_imported_future_appointments_only(gamma, officer_user):
    now = timezone.now()
    today = timezone.localdate(now, PARIS)
    with tenant_context(gamma):
        person = make_person(1)
        refusing = make_person(2, refuses_sms=True)
        # Imported: no event, no SMS. At 10:00 local time, far from the quiet hours.
        future = make_appointment(person, at(today + timedelta(days=5)))
        # Tomorrow afternoon: closer than the 48 h delay.
        soon = make_appointment(person, at(today + timedelta(days=1), hour=16))
        past = make_appointment(person, now - timedelta(days=2))
        cancelled = make_appointment(person, now + timedelta(days=6), state="cancelled")
        refused = make_appointment(refusing, now + timedelta(days=5))
        # Booked on the platform with its reminder already waiting: left alone.
        booked = make_appointment(person, now + timedelta(days=7))
        event = AppointmentEvent.objects.create(
            appointment=booked, person=person, kind="booked", to_state="booked"
        )
        Message.objects.create(
            appointment=booked,
            person=person,
            event=event,
            kind=MessageKind.REMINDER,
            due_at=now + timedelta(days=5),
        )
        assert Message.objects.count() == 1  # nothing before go-live

    live, scheduled = services.go_live(gamma, acting_user=officer_user, override_reason="x" * 12)

    assert live.status == JurisdictionStatus.LIVE
    assert scheduled == 3
    with tenant_context(gamma):
        (reminder,) = _reminders(future)
        assert reminder.state == MessageState.CREATED
        delay = timedelta(hours=future.appointment_type.reminder_delay_hours)
        # Wall-clock arithmetic: 47 or 49 absolute hours across a daylight-saving change.
        assert reminder.due_at == timezone.localtime(future.starts_at, gamma.zone) - delay
        assert reminder.event.kind == "booked" and reminder.event.notify is False
        assert reminder.event.details == {"reminder_at_go_live": True}
        (soon_reminder,) = _reminders(soon)
        assert now <= soon_reminder.due_at < soon.starts_at  # too late for 48 h: sent now
        assert _reminders(past) == [] and _reminders(cancelled) == []
        (not_sendable,) = _reminders(refused)
        assert not_sendable.state == MessageState.NOT_SENDABLE
        assert len(_reminders(booked)) == 1
        assert not Message.objects.exclude(kind=MessageKind.REMINDER).exists()  # never a summon
        # Idempotent: a second pass adds nothing.
        schedule_missing_reminders()
        assert Message.objects.filter(kind=MessageKind.REMINDER, state="created").count() == 3
    event = JurisdictionEvent.objects.get(jurisdiction=gamma, kind="status_changed")
    assert event.details["reminders_scheduled"] == 3


def test_an_imported_appointment_with_an_event_gets_its_reminder_on_that_event(gamma):
    now = timezone.now()
    with tenant_context(gamma):
        person = make_person(3)
        appointment = make_appointment(person, now + timedelta(days=4))
        event = AppointmentEvent.objects.create(
            appointment=appointment, person=person, kind="booked", to_state="booked"
        )
        assert schedule_missing_reminders() == 1
        (reminder,) = _reminders(appointment)
        assert reminder.event == event
        assert AppointmentEvent.objects.filter(appointment=appointment).count() == 1
