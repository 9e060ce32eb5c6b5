"""The write side of appointments in the API (issue 20): free slots, booking, rescheduling,
cancellation and outcomes through the services of the pages, the SMS of an appointment, and every
kind of bad input answered in French in the API's error format."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.constants import AttemptOutcome, PortalSmsKind
from jurisdiction_apps.notifications.models import Attempt, Message
from jurisdiction_apps.organisation.models import Agenda, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState, NotifyMode
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent, Slot
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

from .helpers import book_on_new_slot

URL = "/api/v1/rendez-vous/"
SLOTS = "/api/v1/creneaux/"


def api_client(jurisdiction, role=Role.BEX, host="alpha.localhost"):
    client = Client(HTTP_HOST=host)
    membership = MembershipFactory(jurisdiction=jurisdiction, role=role)
    sign_in(client, membership.user)
    client.user = membership.user
    return client


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def bex_api(alpha, in_alpha):
    return api_client(alpha, Role.BEX)


@pytest.fixture
def cpip_api(alpha, in_alpha):
    return api_client(alpha, Role.CPIP)


def slot_booking(person, slot_type, office, agenda, slot, **extra):
    return {
        "person": person.pk,
        "appointment_type": slot_type.pk,
        "place": office.pk,
        "agenda": agenda.pk,
        "slot": slot.pk,
        "case_numbers": "2026/123",
        **extra,
    }


def error_of(response, status):
    assert response.status_code == status, response.content
    return response.json()["error"]


# --- free slots ------------------------------------------------------------------------------
def test_free_slots_of_a_period_in_order_with_local_offsets(
    bex_api, alpha, slot_type, agenda, make_slot
):
    later, sooner = make_slot(hours_from_now=72), make_slot(hours_from_now=30)
    full = make_slot(hours_from_now=40)
    Slot.objects.filter(pk=full.pk).update(booked_count=1)
    make_slot(hours_from_now=50, is_closed=True)
    today = timezone.localdate(timezone=alpha.zone)
    response = bex_api.get(
        SLOTS,
        {
            "appointment_type": slot_type.pk,
            "agenda": agenda.pk,
            "start": today.isoformat(),
            "end": (today + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [item["id"] for item in results] == [sooner.pk, later.pk]
    first = results[0]
    assert first["remaining"] == 1 and first["place"] == agenda.place_id
    expected = timezone.localtime(sooner.starts_at, alpha.zone).isoformat()
    assert first["starts_at"] == expected and first["starts_at"][-6:] in ("+01:00", "+02:00")


def test_free_slots_with_offset_bounds_exclude_the_end(bex_api, slot_type, make_slot):
    slot = make_slot(hours_from_now=30)
    start = (slot.starts_at - timedelta(hours=1)).isoformat()
    response = bex_api.get(SLOTS, {"start": start, "end": slot.starts_at.isoformat()})
    assert response.status_code == 200 and response.json()["results"] == []
    end = (slot.starts_at + timedelta(minutes=1)).isoformat()
    response = bex_api.get(SLOTS, {"start": start, "end": end})
    assert [item["id"] for item in response.json()["results"]] == [slot.pk]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"end": "2027-03-10"}, "start", "Ce champ est obligatoire."),
        (
            {"start": "2027-03-01", "end": "2027-04-10"},
            "end",
            "La période va au plus de 31 jours.",
        ),
        (
            {"start": "2027-03-10", "end": "2027-03-01"},
            "end",
            "La fin doit venir après le début.",
        ),
        (
            {"start": "2027-03-28T02:30:00", "end": "2027-03-29"},
            "start",
            "Indiquez le décalage horaire, par exemple 2027-03-29T10:00:00+02:00, "
            "ou une date seule.",
        ),
        ({"start": "demain", "end": "2027-03-29"}, "start", None),
        ({"start": "2027-02-30", "end": "2027-03-29"}, "start", None),
        ({"start": "2027-03-01", "end": "2027-03-02", "agenda": "x"}, "agenda", None),
        ({"start": "9999-12-30", "end": "9999-12-31"}, "end", None),
    ],
)
def test_a_bad_period_or_filter_is_a_french_400(bex_api, params, field, message):
    error = error_of(bex_api.get(SLOTS, params), 400)
    assert error["code"] == "invalid"
    assert field in error["fields"]
    if message:
        assert error["fields"][field] == [message]


def test_a_type_the_role_does_not_book_is_refused_in_the_slot_search(
    cpip_api, slot_type, make_slot
):
    error = error_of(
        cpip_api.get(
            SLOTS,
            {"appointment_type": slot_type.pk, "start": "2027-03-01", "end": "2027-03-02"},
        ),
        400,
    )
    assert error["fields"]["appointment_type"] == [
        "Ce type de rendez-vous ne vous est pas proposé."
    ]


def test_a_role_without_the_right_to_book_gets_403(alpha, in_alpha):
    client = api_client(alpha, Role.PROSECUTOR)
    error = error_of(client.get(SLOTS, {"start": "2027-03-01", "end": "2027-03-02"}), 403)
    assert error["code"] == "permission_denied"
    assert error["message"] == "Votre rôle ne permet pas cette action."


# --- booking ---------------------------------------------------------------------------------
def test_booking_on_a_slot_returns_the_appointment_with_its_event(
    bex_api, alpha, person, slot_type, office, agenda, make_slot
):
    slot = make_slot(hours_from_now=30)
    response = post(bex_api, URL, slot_booking(person, slot_type, office, agenda, slot))
    assert response.status_code == 201, response.content
    body = response.json()
    appointment = Appointment.objects.get(pk=body["id"])
    assert appointment.person == person and appointment.slot == slot
    assert appointment.booked_by == bex_api.user
    assert body["state"] == "booked" and body["notify"] == NotifyMode.NOTIFY_AND_REMIND
    assert body["starts_at"] == timezone.localtime(slot.starts_at, alpha.zone).isoformat()
    assert body["event_ids"] == list(
        AppointmentEvent.objects.filter(appointment=appointment).values_list("pk", flat=True)
    )
    assert len(body["event_ids"]) == 1
    assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_booking_writes_the_audit_trail_under_the_caller(
    bex_api, person, slot_type, office, agenda, make_slot
):
    slot = make_slot(hours_from_now=30)
    body = post(bex_api, URL, slot_booking(person, slot_type, office, agenda, slot)).json()
    audit = Appointment.pgh_event_model.objects.filter(pgh_obj_id=body["id"]).get()
    assert audit.pgh_context.metadata["user"] == bex_api.user.pk


def test_booking_in_beta_answers_in_its_zone(beta):
    from jurisdiction_apps.organisation.models import AppointmentType

    client = api_client(beta, Role.BEX, host="beta.localhost")
    with tenant_context(beta):
        kind = AppointmentType.objects.get(code="sortie-audience-spip")
        place = Place.objects.create(name="Antenne de Saint-Denis")
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Équipe")
        slot = Slot.objects.create(
            agenda=agenda, appointment_type=kind, starts_at=timezone.now() + timedelta(days=2)
        )
        someone = Person.objects.create(
            last_name="HOARAU", first_names="Marie", birth_date="1985-01-01", city="SAINT-DENIS"
        )
    response = post(client, URL, slot_booking(someone, kind, place, agenda, slot))
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"].endswith("+04:00")


def test_booking_a_free_time_type_with_a_local_date_and_time(
    cpip_api, alpha, person, free_type, office
):
    day = timezone.localdate(timezone=alpha.zone) + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    body = {
        "person": person.pk,
        "appointment_type": free_type.pk,
        "place": office.pk,
        "date": day.isoformat(),
        "time": "10:15",
        "duration_minutes": 45,
        "notify": "remind_only",
    }
    response = post(cpip_api, URL, body)
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get(pk=response.json()["id"])
    local = timezone.localtime(appointment.starts_at, alpha.zone)
    assert (local.date(), local.hour, local.minute) == (day, 10, 15)
    assert appointment.duration_minutes == 45 and appointment.notify_mode == "remind_only"


def test_booking_a_free_time_type_with_an_offset_datetime(cpip_api, person, free_type, office):
    moment = timezone.now() + timedelta(days=8)
    while timezone.localtime(moment).weekday() >= 5:
        moment += timedelta(days=1)
    moment = moment.replace(microsecond=0)
    body = {
        "person": person.pk,
        "appointment_type": free_type.pk,
        "place": office.pk,
        "starts_at": moment.isoformat(),
    }
    response = post(cpip_api, URL, body)
    assert response.status_code == 201, response.content
    assert Appointment.objects.get(pk=response.json()["id"]).starts_at == moment


def test_booking_query_count_is_bounded(
    bex_api, person, slot_type, office, agenda, make_slot, django_assert_max_num_queries
):
    slot = make_slot(hours_from_now=30)
    body = slot_booking(person, slot_type, office, agenda, slot)
    with django_assert_max_num_queries(30):
        response = post(bex_api, URL, body, **{"Idempotency-Key": "compte-requetes"})
    assert response.status_code == 201


# --- bad input -------------------------------------------------------------------------------
def test_unknown_fields_are_refused_and_nothing_is_booked(
    bex_api, person, slot_type, office, agenda, make_slot
):
    slot = make_slot(hours_from_now=30)
    body = slot_booking(person, slot_type, office, agenda, slot, start_at="2027-01-01")
    error = error_of(post(bex_api, URL, body), 400)
    assert error["fields"] == {"start_at": ["Champ inconnu : retirez-le de la requête."]}
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("person", "quarante-deux"),
        ("slot", "premier"),
        ("notify", "toujours"),
        ("appointment_type", [1]),
        ("case_numbers", {"a": 1}),
        ("starts_at", 12),
        ("place", -1),
    ],
)
def test_wrong_types_are_a_french_400(
    bex_api, person, slot_type, office, agenda, make_slot, field, value
):
    slot = make_slot(hours_from_now=30)
    body = {**slot_booking(person, slot_type, office, agenda, slot), field: value}
    error = error_of(post(bex_api, URL, body), 400)
    assert error["code"] == "invalid" and list(error["fields"]) == [field]
    assert not Appointment.objects.exists()


def test_huge_ids_are_unknown_not_a_crash(bex_api, person, slot_type, office, agenda, make_slot):
    slot = make_slot(hours_from_now=30)
    body = {**slot_booking(person, slot_type, office, agenda, slot), "person": 10**20}
    assert post(bex_api, URL, body).status_code == 400
    body = {**slot_booking(person, slot_type, office, agenda, slot), "slot": 10**20}
    assert post(bex_api, URL, body).status_code == 400
    assert post(bex_api, f"{URL}{10**20}/annulation/", {}).status_code == 404
    assert bex_api.get(f"{URL}{10**20}/sms/").status_code == 404
    params = {"start": "2027-03-01", "end": "2027-03-02", "agenda": 10**20}
    assert bex_api.get(SLOTS, params).status_code == 200


def test_a_body_that_is_not_an_object_is_a_400(bex_api):
    error_of(bex_api.post(URL, "[1, 2]", content_type="application/json"), 400)
    error_of(bex_api.post(URL, "{pas du json", content_type="application/json"), 400)


def free_time_body(person, free_type, office, **extra):
    return {"person": person.pk, "appointment_type": free_type.pk, "place": office.pk, **extra}


def test_a_datetime_without_offset_is_refused(cpip_api, person, free_type, office):
    body = free_time_body(person, free_type, office, starts_at="2027-03-29T10:00:00")
    error = error_of(post(cpip_api, URL, body), 400)
    assert error["fields"]["starts_at"] == [
        "Indiquez le décalage horaire, par exemple 2027-03-29T10:00:00+02:00."
    ]
    assert not Appointment.objects.exists()


def test_a_local_time_in_the_spring_dst_gap_is_refused(cpip_api, person, free_type, office):
    body = free_time_body(person, free_type, office, date="2027-03-28", time="02:30")
    error = error_of(post(cpip_api, URL, body), 400)
    assert error["fields"]["time"] == [
        "Cette heure n'existe pas ce jour-là (passage à l'heure d'été)."
    ]
    assert not Appointment.objects.exists()


def test_a_local_time_in_the_autumn_fold_is_refused(cpip_api, person, free_type, office):
    body = free_time_body(person, free_type, office, date="2027-10-31", time="02:30")
    error = error_of(post(cpip_api, URL, body), 400)
    assert "existe deux fois" in error["fields"]["time"][0]


def test_both_starts_at_and_a_local_time_are_refused(cpip_api, person, free_type, office):
    body = free_time_body(
        person, free_type, office, starts_at="2027-03-29T10:00:00+02:00", date="2027-03-29"
    )
    error = error_of(post(cpip_api, URL, body), 400)
    assert list(error["fields"]) == ["date"]


def test_a_past_time_is_refused_by_the_service(cpip_api, person, free_type, office):
    past = (timezone.now() - timedelta(days=1)).isoformat()
    error = error_of(
        post(cpip_api, URL, free_time_body(person, free_type, office, starts_at=past)), 400
    )
    assert error["code"] == "booking_refused"
    assert error["message"] == "Cette date et cette heure sont déjà passées."
    assert not Appointment.objects.exists()


def test_a_slot_of_another_type_is_refused(
    bex_api, person, slot_type, office, agenda, make_slot, in_alpha
):
    from jurisdiction_apps.organisation.models import AppointmentType

    other = AppointmentType.objects.get(code="sortie-audience-sap")
    slot = make_slot(hours_from_now=30, appointment_type=other)
    error = error_of(post(bex_api, URL, slot_booking(person, slot_type, office, agenda, slot)), 400)
    assert error["message"] == "Ce créneau n'existe pas pour ce type de rendez-vous."
    assert Slot.objects.get(pk=slot.pk).booked_count == 0


def test_a_slot_of_another_agenda_is_refused(bex_api, person, slot_type, office, make_slot):
    slot = make_slot(hours_from_now=30)
    other = Agenda.objects.create(place=office, name="Équipe 2")
    body = slot_booking(person, slot_type, office, other, slot)
    error = error_of(post(bex_api, URL, body), 400)
    assert error["message"] == "Ce créneau n'appartient pas à cet agenda."
    assert Slot.objects.get(pk=slot.pk).booked_count == 0 and not Appointment.objects.exists()


def test_a_full_slot_is_a_409(bex_api, person, slot_type, office, agenda, make_slot):
    slot = make_slot(hours_from_now=30)
    Slot.objects.filter(pk=slot.pk).update(booked_count=1)
    error = error_of(post(bex_api, URL, slot_booking(person, slot_type, office, agenda, slot)), 409)
    assert error["code"] == "slot_unavailable"
    assert error["message"].startswith("Ce créneau est complet")


def test_a_transferred_person_is_a_409(bex_api, beta, person, slot_type, office, agenda, make_slot):
    slot = make_slot(hours_from_now=30)
    Person.objects.filter(pk=person.pk).update(transferred_at=timezone.now())
    error = error_of(post(bex_api, URL, slot_booking(person, slot_type, office, agenda, slot)), 409)
    assert error["code"] == "person_transferred" and "transféré(e)" in error["message"]


def test_a_person_of_another_jurisdiction_is_unknown_here(
    bex_api, alpha, beta, slot_type, office, agenda, make_slot
):
    with tenant_context(beta):
        stranger = Person.objects.create(
            last_name="HOARAU", first_names="Paul", birth_date="1970-01-01", city="X"
        )
    with tenant_context(alpha):
        assert not Person.objects.filter(pk=stranger.pk).exists()
        slot = make_slot(hours_from_now=30)
    error = error_of(
        post(bex_api, URL, slot_booking(stranger, slot_type, office, agenda, slot)), 400
    )
    assert error["fields"] == {"person": ["Personne introuvable dans cette juridiction."]}


def test_a_type_the_role_does_not_book_is_refused(
    cpip_api, person, slot_type, office, agenda, make_slot
):
    slot = make_slot(hours_from_now=30)
    error = error_of(
        post(cpip_api, URL, slot_booking(person, slot_type, office, agenda, slot)), 400
    )
    assert error["fields"] == {
        "appointment_type": ["Ce type de rendez-vous ne vous est pas proposé."]
    }


def test_a_role_without_the_right_to_book_cannot_post(
    alpha, person, slot_type, office, agenda, make_slot
):
    client = api_client(alpha, Role.PROSECUTOR)
    slot = make_slot(hours_from_now=30)
    error_of(post(client, URL, slot_booking(person, slot_type, office, agenda, slot)), 403)
    assert not Appointment.objects.exists()


def test_a_member_of_another_jurisdiction_gets_403(
    beta, person, slot_type, office, agenda, make_slot
):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN).user)
    slot = make_slot(hours_from_now=30)
    error = error_of(post(client, URL, slot_booking(person, slot_type, office, agenda, slot)), 403)
    assert error["message"] == "Vous n'avez pas accès à cette juridiction."


def test_a_slot_type_without_slot_nor_agenda_says_what_is_missing(
    bex_api, person, slot_type, office
):
    body = {"person": person.pk, "appointment_type": slot_type.pk, "place": office.pk}
    error = error_of(post(bex_api, URL, body), 400)
    assert set(error["fields"]) == {"slot", "agenda"}


# --- idempotency -----------------------------------------------------------------------------
def test_the_same_key_replays_the_first_answer_without_booking_again(
    bex_api, person, slot_type, office, agenda, make_slot
):
    slot = make_slot(hours_from_now=30, capacity=3)
    body = slot_booking(person, slot_type, office, agenda, slot)
    first = post(bex_api, URL, body, **{"Idempotency-Key": "cle-1"})
    again = post(bex_api, URL, body, **{"Idempotency-Key": "cle-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1
    assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_the_same_key_with_another_body_is_a_422(
    bex_api, person, slot_type, office, agenda, make_slot
):
    slot = make_slot(hours_from_now=30, capacity=3)
    body = slot_booking(person, slot_type, office, agenda, slot)
    post(bex_api, URL, body, **{"Idempotency-Key": "cle-2"})
    changed = {**body, "notify": "remind_only"}
    error = error_of(post(bex_api, URL, changed, **{"Idempotency-Key": "cle-2"}), 422)
    assert error["code"] == "idempotency_key_reused"
    assert error["message"].startswith("Cette clé d'idempotence a déjà servi")
    assert Appointment.objects.count() == 1


def test_a_failed_booking_leaves_its_key_free(
    bex_api, person, slot_type, office, agenda, make_slot
):
    slot = make_slot(hours_from_now=30)
    Slot.objects.filter(pk=slot.pk).update(is_closed=True)
    body = slot_booking(person, slot_type, office, agenda, slot)
    error_of(post(bex_api, URL, body, **{"Idempotency-Key": "cle-3"}), 409)
    Slot.objects.filter(pk=slot.pk).update(is_closed=False)
    assert post(bex_api, URL, body, **{"Idempotency-Key": "cle-3"}).status_code == 201


def test_keys_are_per_account_and_expire(
    alpha, bex_api, person, slot_type, office, agenda, make_slot
):
    from tenants.api.idempotency import purge_expired
    from tenants.models import IdempotencyKey

    slot = make_slot(hours_from_now=30, capacity=3)
    body = slot_booking(person, slot_type, office, agenda, slot)
    colleague = api_client(alpha, Role.BEX)
    post(bex_api, URL, body, **{"Idempotency-Key": "cle-4"})
    assert post(colleague, URL, body, **{"Idempotency-Key": "cle-4"}).status_code == 201
    assert Appointment.objects.count() == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # An expired key is taken over as if absent (the same body books again)...
    again = post(bex_api, URL, body, **{"Idempotency-Key": "cle-4"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Appointment.objects.count() == 3
    # ...and the nightly job deletes what is older than 24 h.
    assert purge_expired() == 1
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "clé-accentuée"])
def test_a_malformed_key_is_a_400(bex_api, person, slot_type, office, agenda, make_slot, key):
    slot = make_slot(hours_from_now=30)
    body = slot_booking(person, slot_type, office, agenda, slot)
    error = error_of(post(bex_api, URL, body, **{"Idempotency-Key": key}), 400)
    assert "Idempotency-Key" in error["fields"]
    assert not Appointment.objects.exists()


def test_a_retried_reschedule_cancel_or_outcome_replays_its_first_answer(
    bex_api, cpip, person, slot_type, office, agenda, make_slot
):
    """Without the key, a retried transition is refused (409: already done) and the system
    cannot tell its first call succeeded; with it, the retry gets the first answer, and nothing
    happens twice."""
    old = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    body = {"slot": make_slot(hours_from_now=60).pk}
    first = post(bex_api, f"{URL}{old.pk}/report/", body, **{"Idempotency-Key": "report-1"})
    again = post(bex_api, f"{URL}{old.pk}/report/", body, **{"Idempotency-Key": "report-1"})
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Appointment.objects.filter(replaces=old).count() == 1

    new = Appointment.objects.get(replaces=old)
    cancel = {"reason": "Audience déplacée"}
    first = post(bex_api, f"{URL}{new.pk}/annulation/", cancel, **{"Idempotency-Key": "ann-1"})
    again = post(bex_api, f"{URL}{new.pk}/annulation/", cancel, **{"Idempotency-Key": "ann-1"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert AppointmentEvent.objects.filter(appointment=new, kind="cancelled").count() == 1
    assert error_of(post(bex_api, f"{URL}{new.pk}/annulation/", cancel), 409)  # no key

    past = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, -2)
    outcome = {"outcome": "no_show"}
    first = post(bex_api, f"{URL}{past.pk}/issue/", outcome, **{"Idempotency-Key": "issue-1"})
    again = post(bex_api, f"{URL}{past.pk}/issue/", outcome, **{"Idempotency-Key": "issue-1"})
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert AppointmentEvent.objects.filter(appointment=past, kind="no_show").count() == 1
    other = {"outcome": "fulfilled"}
    error = error_of(
        post(bex_api, f"{URL}{past.pk}/issue/", other, **{"Idempotency-Key": "issue-1"}), 422
    )
    assert error["code"] == "idempotency_key_reused"
    assert Appointment.objects.get(pk=past.pk).state == AppointmentState.NO_SHOW


def test_a_key_is_bound_to_its_route(bex_api, cpip, person, slot_type, office, agenda, make_slot):
    """The same key and body on another appointment is another request (422, nothing done)."""
    one = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    two = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 40)
    post(bex_api, f"{URL}{one.pk}/annulation/", {}, **{"Idempotency-Key": "ann-2"})
    error = error_of(
        post(bex_api, f"{URL}{two.pk}/annulation/", {}, **{"Idempotency-Key": "ann-2"}), 422
    )
    assert error["code"] == "idempotency_key_reused"
    assert Appointment.objects.get(pk=two.pk).state == AppointmentState.BOOKED


# --- reschedule, cancel, outcome -----------------------------------------------------------------
def test_rescheduling_books_the_new_slot_and_cancels_the_old(
    bex_api, cpip, person, slot_type, office, agenda, make_slot
):
    old = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    new_slot = make_slot(hours_from_now=60)
    response = post(bex_api, f"{URL}{old.pk}/report/", {"slot": new_slot.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["replaces"] == old.pk and body["slot"] == new_slot.pk
    old.refresh_from_db()
    assert old.state == AppointmentState.CANCELLED
    assert Slot.objects.get(pk=old.slot_id).booked_count == 0


def test_rescheduling_twice_is_a_409(bex_api, cpip, person, slot_type, office, agenda, make_slot):
    old = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    post(bex_api, f"{URL}{old.pk}/report/", {"slot": make_slot(hours_from_now=60).pk})
    error = error_of(
        post(bex_api, f"{URL}{old.pk}/report/", {"slot": make_slot(hours_from_now=90).pk}), 409
    )
    assert error["message"] == "Ce rendez-vous a déjà été reporté."


def test_rescheduling_refuses_a_person_field(
    bex_api, cpip, person, slot_type, office, agenda, make_slot
):
    old = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    body = {"slot": make_slot(hours_from_now=60).pk, "person": person.pk}
    error = error_of(post(bex_api, f"{URL}{old.pk}/report/", body), 400)
    assert list(error["fields"]) == ["person"]


def test_cancelling_notifies_by_default(
    bex_api, cpip, person, slot_type, office, agenda, make_slot
):
    appointment = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    response = post(bex_api, f"{URL}{appointment.pk}/annulation/", {"reason": "Audience déplacée"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "cancelled"
    event = AppointmentEvent.objects.filter(appointment=appointment).order_by("pk").last()
    assert event.kind == "cancelled" and event.notify is True
    assert event.details == {"reason": "Audience déplacée"}
    assert response.json()["event_ids"][-1] == event.pk


def test_cancelling_without_notice(bex_api, cpip, person, slot_type, office, agenda, make_slot):
    appointment = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    post(bex_api, f"{URL}{appointment.pk}/annulation/", {"notify": False})
    event = AppointmentEvent.objects.filter(appointment=appointment).order_by("pk").last()
    assert event.kind == "cancelled" and event.notify is False


def test_cancelling_a_past_appointment_is_a_409(
    bex_api, cpip, person, slot_type, office, agenda, make_slot
):
    appointment = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, -2)
    error = error_of(post(bex_api, f"{URL}{appointment.pk}/annulation/", {}), 409)
    assert error["code"] == "transition_refused"
    assert error["message"] == "Le rendez-vous est passé : il ne peut plus être annulé."


@pytest.mark.parametrize("outcome", ["fulfilled", "no_show"])
def test_recording_an_outcome_after_the_time(
    bex_api, cpip, person, slot_type, office, agenda, make_slot, outcome
):
    appointment = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, -2)
    response = post(bex_api, f"{URL}{appointment.pk}/issue/", {"outcome": outcome})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == outcome
    event = AppointmentEvent.objects.filter(appointment=appointment).order_by("pk").last()
    assert event.notify is False  # no SMS choice for an outcome, as on the pages


def test_an_outcome_before_the_time_is_a_409_and_bad_outcomes_a_400(
    bex_api, cpip, person, slot_type, office, agenda, make_slot
):
    appointment = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    error = error_of(post(bex_api, f"{URL}{appointment.pk}/issue/", {"outcome": "fulfilled"}), 409)
    assert error["message"].startswith("Le rendez-vous n'a pas encore eu lieu")
    error_of(post(bex_api, f"{URL}{appointment.pk}/issue/", {"outcome": "cancelled"}), 400)
    error_of(
        post(bex_api, f"{URL}{appointment.pk}/issue/", {"outcome": "excused", "notify": True}), 400
    )
    assert post(bex_api, f"{URL}{appointment.pk}/issue/", {"outcome": "excused"}).status_code == 200


def test_transitions_on_an_unknown_appointment_are_404(bex_api):
    for path in ("report", "annulation", "issue"):
        error_of(post(bex_api, f"{URL}999999/{path}/", {"outcome": "excused"}), 404)


def test_a_role_without_the_right_to_record_cannot_cancel(
    alpha, cpip, person, slot_type, office, agenda, make_slot
):
    appointment = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    client = api_client(alpha, Role.PROSECUTOR)
    error_of(post(client, f"{URL}{appointment.pk}/annulation/", {}), 403)
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.BOOKED


# --- SMS of an appointment ---------------------------------------------------------------------
def test_the_sms_of_an_appointment_without_text_number_or_code(
    bex_api, cpip, person, slot_type, office, agenda, make_slot
):
    appointment = book_on_new_slot(person, slot_type, office, agenda, make_slot, cpip, 30)
    message = Message.objects.filter(appointment=appointment).first()
    assert message is not None  # the booking's SMS, written with the event
    Message.objects.filter(pk=message.pk).update(
        text="Votre code 123456", phone="+33612345678", receipt_code="DELIVRD"
    )
    Attempt.objects.create(
        message=message, number=1, provider="link", outcome=AttemptOutcome.ACCEPTED, code="X42"
    )
    Message.objects.create(
        person=person, kind=PortalSmsKind.SIGN_IN_CODE, text="Code 654321", due_at=timezone.now()
    )
    response = bex_api.get(f"{URL}{appointment.pk}/sms/")
    assert response.status_code == 200, response.content
    items = response.json()
    assert [item["id"] for item in items] == list(
        Message.objects.filter(appointment=appointment).values_list("pk", flat=True)
    )
    first = next(item for item in items if item["id"] == message.pk)
    assert first["attempts"] == [
        {
            "number": 1,
            "provider": "link",
            "outcome": "accepted",
            "started_at": first["attempts"][0]["started_at"],
            "finished_at": None,
        }
    ]
    raw = response.content.decode()
    for secret in ("123456", "654321", "+33612345678", "DELIVRD", "X42", '"code"', '"text"'):
        assert secret not in raw


def test_the_sms_of_an_unknown_appointment_is_404(bex_api):
    error_of(bex_api.get(f"{URL}424242/sms/"), 404)


def test_a_slot_for_a_free_time_type_is_refused(cpip_api, person, free_type, office, make_slot):
    body = free_time_body(person, free_type, office, slot=make_slot(hours_from_now=30).pk)
    error = error_of(post(cpip_api, URL, body), 400)
    assert error["fields"] == {
        "slot": ["Ce type de rendez-vous se réserve sur un horaire libre, sans créneau."]
    }


def test_the_nightly_retention_job_deletes_expired_keys(alpha, bex_api, monkeypatch):
    from shared.retention import tasks
    from tenants.models import IdempotencyKey

    def key(name, hours_ago):
        return IdempotencyKey.objects.create(
            jurisdiction=alpha,
            user=bex_api.user,
            key=name,
            request_hash="0" * 64,
            created_at=timezone.now() - timedelta(hours=hours_ago),
        )

    key("ancienne", 25)
    recent = key("recente", 23)
    monkeypatch.setattr(tasks, "run_in_every_jurisdiction", lambda name: 0)
    tasks.retention_nightly()
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_write_mixin_merges_its_permissions_with_the_read_side():
    from rest_framework import viewsets

    from jurisdiction_apps.scheduling.api_writes import AppointmentWriteMixin
    from tenants.permissions import Action

    class ReadSide(viewsets.GenericViewSet):
        action_permissions = {"list": Action.VIEW_PEOPLE, "retrieve": Action.VIEW_PEOPLE}

    class Composed(AppointmentWriteMixin, ReadSide):
        pass

    assert Composed.action_permissions == {
        "list": Action.VIEW_PEOPLE,
        "retrieve": Action.VIEW_PEOPLE,
        "create": Action.BOOK,
        "reschedule": Action.RECORD_OUTCOME,
        "cancel": Action.RECORD_OUTCOME,
        "record_outcome": Action.RECORD_OUTCOME,
    }


def test_free_slots_pages_follow_their_next_links(bex_api, alpha, make_slot):
    slots = [make_slot(hours_from_now=30 + 24 * n) for n in range(5)]
    today = timezone.localdate(timezone=alpha.zone)
    # 31 whole local days, the longest period accepted
    params = {"start": today.isoformat(), "end": (today + timedelta(days=30)).isoformat()}
    seen, response = [], bex_api.get(SLOTS, {**params, "page_size": 2})
    while True:
        assert response.status_code == 200, response.content
        seen += [item["id"] for item in response.json()["results"]]
        if not response.json()["next"]:
            break
        response = bex_api.get(response.json()["next"])
    assert seen == [slot.pk for slot in slots]
