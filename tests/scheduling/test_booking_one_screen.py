"""The booking page on one screen (issue 17, point 2): narrowing choices, single choices taken
by themselves, slots grouped by day, required marks, no booking form without a free slot,
booking from a free slot of the day view, rescheduling from the old place and agenda, and bad
input refused in French with nothing booked."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import NotifyMode
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent, Slot
from jurisdiction_apps.scheduling.views import PEOPLE_FOUND, SLOT_DAYS_SHOWN
from tenants.constants import Role
from tests.auth import sign_in
from tests.dates import open_day_at
from tests.factories import MembershipFactory
from tests.scheduling.helpers import book_on_new_slot

BOOK_URL = "/convocations/nouvelle/"


@pytest.fixture
def client_for(alpha):
    def make(user):
        client = Client(HTTP_HOST="alpha.localhost")
        sign_in(client, user)
        return client

    return make


@pytest.fixture
def spip_slot_type(in_alpha):
    """A slot type that does not ask for the case number (booked by CPIPs)."""
    return AppointmentType.objects.get(code="premiere-convocation-spip")


@pytest.fixture
def second_office(in_alpha, slot_type):
    place = Place.objects.create(name="SPIP d'Alpha — antenne nord")
    place.appointment_types.add(slot_type)
    return place


def _page(client, **params):
    response = client.get(BOOK_URL, params)
    return response, response.content.decode()


def _selected(html, select_id):
    """The value of the selected option of a select, "" when none."""
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S)
    assert select, f"no select #{select_id}"
    chosen = re.search(r'<option value="(\d*)" selected>', select.group(0))
    return chosen.group(1) if chosen else ""


def _options(html, select_id):
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S)
    return re.findall(r'<option value="(\d+)"', select.group(0))


def _booking_post(who, kind, where, in_agenda, when, **extra):
    data = {
        "personne": who.pk,
        "type": kind.pk,
        "lieu": where.pk,
        "agenda": in_agenda.pk,
        "slot": when.pk if hasattr(when, "pk") else when,
        "notify_mode": NotifyMode.NOTIFY_AND_REMIND,
        "case_numbers": "26001234567",
    }
    data.update(extra)
    return data


# --- narrowing and choices taken by themselves ---------------------------------------------------
def test_the_only_place_and_agenda_are_chosen_and_the_slots_shown_at_once(
    person, slot_type, office, agenda, make_slot, bex, client_for
):
    slot = make_slot()
    response, html = _page(client_for(bex), personne=person.pk, type=slot_type.pk)
    assert response.status_code == 200
    assert _selected(html, "choix-lieu") == str(office.pk)
    assert _selected(html, "choix-agenda") == str(agenda.pk)
    assert f'id="creneau-{slot.pk}"' in html
    assert 'data-keep-draft="booking-' in html
    assert ">Convoquer</button>" in html


def test_the_only_type_of_the_role_is_chosen_by_itself(
    person, slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    AppointmentType.objects.exclude(pk=slot_type.pk).update(is_active=False)
    slot = make_slot()
    _, html = _page(client_for(bex), personne=person.pk)
    assert _selected(html, "choix-type") == str(slot_type.pk)
    assert f'id="creneau-{slot.pk}"' in html


def test_several_places_are_offered_and_narrow_to_the_type(
    person, slot_type, spip_slot_type, office, second_office, agenda, in_alpha, client_for
):
    office.appointment_types.set([spip_slot_type])  # the first office no longer offers it
    third = Place.objects.create(name="SPIP d'Alpha — antenne sud")
    third.appointment_types.add(slot_type)
    admin = MembershipFactory(jurisdiction=in_alpha, role=Role.LOCAL_ADMIN).user
    client = client_for(admin)
    _, html = _page(client, personne=person.pk, type=slot_type.pk)
    assert _options(html, "choix-lieu") == [str(second_office.pk), str(third.pk)]
    assert _selected(html, "choix-lieu") == ""  # two places: the agent chooses
    assert 'id="choix-agenda"' not in html
    _, html = _page(client, personne=person.pk, type=spip_slot_type.pk)
    assert _options(html, "choix-lieu") == [str(office.pk)]
    assert _selected(html, "choix-lieu") == str(office.pk)


def test_agendas_with_slots_of_the_type_come_first_and_a_stale_choice_is_dropped(
    person, slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    Agenda.objects.create(place=office, name="Équipe sans créneau")
    slot = make_slot()
    client = client_for(bex)
    # the other agenda has no slot of this type: the only agenda left is chosen
    _, html = _page(client, personne=person.pk, type=slot_type.pk, lieu=office.pk)
    assert _options(html, "choix-agenda") == [str(agenda.pk)]
    assert f'id="creneau-{slot.pk}"' in html
    # a place that does not offer the type (the agent changed the type): dropped, no error
    other = Place.objects.create(name="Lieu sans ce type")
    response, html = _page(client, personne=person.pk, type=slot_type.pk, lieu=other.pk)
    assert response.status_code == 200
    assert _selected(html, "choix-lieu") == str(office.pk)
    assert "fr-error-text" not in html


def test_a_quick_type_button_chooses_the_type_in_one_click(
    person, slot_type, office, agenda, make_slot, bex, client_for
):
    slot = make_slot()
    client = client_for(bex)
    _, html = _page(client, personne=person.pk)
    assert f'name="type" value="{slot_type.pk}"' in html  # one button per type
    # the form sends the empty select, then the button's value
    response = client.get(f"{BOOK_URL}?personne={person.pk}&type=&type={slot_type.pk}")
    assert f'id="creneau-{slot.pk}"' in response.content.decode()


def test_the_fragment_is_the_narrowing_part_alone(
    person, slot_type, office, agenda, make_slot, bex, client_for
):
    slot = make_slot()
    response, html = _page(client_for(bex), personne=person.pk, type=slot_type.pk, fragment=1)
    assert response.status_code == 200
    assert "<html" not in html and "data-booking-summary" in html
    assert f'id="creneau-{slot.pk}"' in html


# --- slots grouped by day, navigation ------------------------------------------------------------
def test_slots_are_grouped_by_day_and_the_navigation_keeps_the_choices(
    person, slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    near = make_slot(hours_from_now=48)
    same_day = make_slot(hours_from_now=48.5)
    far = make_slot(hours_from_now=24 * (SLOT_DAYS_SHOWN + 6))
    client = client_for(bex)
    _, html = _page(client, personne=person.pk, type=slot_type.pk)
    near_day = timezone.localtime(near.starts_at, in_alpha.zone).date()
    day_sets = re.findall(r'<legend[^>]*id="jour-([0-9-]+)"', html)
    assert near_day.isoformat() in day_sets
    assert len(day_sets) == len(set(day_sets))  # one fieldset per day
    if timezone.localtime(same_day.starts_at, in_alpha.zone).date() == near_day:
        day_set = html.split(f'id="jour-{near_day.isoformat()}"')[1].split("</fieldset>")[0]
        assert f"creneau-{near.pk}" in day_set and f"creneau-{same_day.pk}" in day_set
    assert f"creneau-{far.pk}" not in html
    following = re.search(r'href="([^"]+)"[^>]*data-booking-nav>Créneaux suivants', html)
    link = following.group(1).replace("&amp;", "&")
    for part in (
        f"personne={person.pk}",
        f"type={slot_type.pk}",
        f"lieu={office.pk}",
        f"agenda={agenda.pk}",
    ):
        assert part in link
    html = client.get(BOOK_URL + link).content.decode()
    assert f"creneau-{far.pk}" in html and f"creneau-{near.pk}" not in html
    assert "Créneaux précédents" in html


def test_a_malformed_or_far_start_day_falls_back_to_a_shown_window(
    person, slot_type, office, agenda, make_slot, bex, client_for
):
    slot = make_slot()
    client = client_for(bex)
    for start in ("pas-une-date", "1999-01-01"):
        response, html = _page(client, personne=person.pk, type=slot_type.pk, depuis=start)
        assert response.status_code == 200
        assert f"creneau-{slot.pk}" in html


# --- no free slot ------------------------------------------------------------------------------
def test_no_free_slot_shows_what_to_do_and_no_booking_form(
    person, slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    make_slot(capacity=1, booked_count=1)  # full
    _, html = _page(client_for(bex), personne=person.pk, type=slot_type.pk)
    assert "Aucun créneau libre pour ce type, ce lieu et cet agenda d&#x27;ici le" in html or (
        "Aucun créneau libre pour ce type, ce lieu et cet agenda d'ici le" in html
    )
    assert ">Convoquer</button>" not in html
    assert 'name="notify_mode"' not in html
    assert "Demandez à un responsable d" in html
    # a later free slot: a link to it; a manager may open slots
    later = make_slot(hours_from_now=24 * (SLOT_DAYS_SHOWN + 3))
    admin = MembershipFactory(jurisdiction=in_alpha, role=Role.LOCAL_ADMIN).user
    _, html = _page(client_for(admin), personne=person.pk, type=slot_type.pk)
    later_day = timezone.localtime(later.starts_at, in_alpha.zone).date().isoformat()
    assert f"depuis={later_day}" in html
    assert f"/organisation/creneaux/nouveau/?agenda={agenda.pk}" in html
    assert ">Convoquer</button>" not in html


def test_posting_when_no_slot_is_offered_books_nothing(
    person, slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    slot = make_slot(capacity=1, booked_count=1)
    response = client_for(bex).post(
        BOOK_URL, _booking_post(person, slot_type, office, agenda, slot)
    )
    assert response.status_code == 400
    assert "Ce créneau est complet" in response.content.decode()
    assert not Appointment.objects.exists()


# --- required fields ---------------------------------------------------------------------------
def test_required_fields_are_marked_and_the_case_number_only_when_the_type_asks(
    person, slot_type, spip_slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    make_slot()
    _, html = _page(client_for(bex), personne=person.pk, type=slot_type.pk)
    assert "Les champs marqués d&#x27;un astérisque" in html or (
        "Les champs marqués d'un astérisque" in html
    )
    case_input = re.search(r'<input[^>]*id="id_case_numbers"[^>]*>', html).group(0)
    assert " required" in case_input
    label = re.search(r'<label[^>]*for="id_case_numbers".*?</label>', html, re.S).group(0)
    assert "booking-required" in label and "Demandé pour ce type de rendez-vous" in label
    assert re.search(r'<input type="radio" id="creneau-\d+" name="slot" value="\d+" required', html)

    cpip = MembershipFactory(jurisdiction=in_alpha, role=Role.CPIP).user
    make_slot(appointment_type=spip_slot_type)
    _, html = _page(client_for(cpip), personne=person.pk, type=spip_slot_type.pk)
    case_input = re.search(r'<input[^>]*id="id_case_numbers"[^>]*>', html).group(0)
    assert " required" not in case_input


def test_missing_case_number_and_slot_are_shown_at_the_field_and_in_the_summary(
    person, slot_type, office, agenda, make_slot, bex, client_for
):
    slot = make_slot()
    response = client_for(bex).post(
        BOOK_URL, _booking_post(person, slot_type, office, agenda, "", case_numbers="")
    )
    html = response.content.decode()
    assert response.status_code == 400
    summary = re.search(r'<div class="fr-alert fr-alert--error.*?</div>', html, re.S).group(0)
    assert 'href="#id_case_numbers"' in summary and 'href="#creneaux"' in summary
    case_input = re.search(r'<input[^>]*id="id_case_numbers"[^>]*>', html).group(0)
    assert 'aria-describedby="id_case_numbers-aide id_case_numbers-erreur"' in case_input
    assert 'id="id_case_numbers-erreur"' in html
    assert 'aria-labelledby="creneaux-legende creneaux-erreur"' in html
    assert "Choisissez un créneau." in html
    assert f'id="creneau-{slot.pk}"' in html  # the grid is still there
    assert not Appointment.objects.exists()


# --- bad input -----------------------------------------------------------------------------------
def test_a_slot_taken_meanwhile_is_refused_and_no_longer_offered(
    person, slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    slot = make_slot(capacity=1)
    other = make_slot(hours_from_now=72)
    client = client_for(bex)
    _, html = _page(client, personne=person.pk, type=slot_type.pk)
    assert f"creneau-{slot.pk}" in html
    Slot.objects.filter(pk=slot.pk).update(booked_count=1)  # another agent took it
    response = client.post(BOOK_URL, _booking_post(person, slot_type, office, agenda, slot))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ce créneau est complet" in html
    assert f"creneau-{slot.pk}" not in html and f"creneau-{other.pk}" in html
    assert not Appointment.objects.exists()
    assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_a_slot_of_another_agenda_is_refused_and_nothing_is_booked(
    person, slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    other_agenda = Agenda.objects.create(place=office, name="Équipe 2")
    slot = Slot.objects.create(
        agenda=other_agenda,
        appointment_type=slot_type,
        starts_at=timezone.now() + timedelta(hours=50),
    )
    response = client_for(bex).post(
        BOOK_URL, _booking_post(person, slot_type, office, agenda, slot)
    )
    assert response.status_code == 400
    assert "Ce créneau n&#x27;appartient pas à cet agenda" in response.content.decode()
    assert not Appointment.objects.exists()
    assert Slot.objects.get(pk=slot.pk).booked_count == 0


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ({"type": "abc"}, "Ce type de rendez-vous ne vous est pas proposé"),
        ({"lieu": "999999"}, "Ce lieu ne propose pas ce type de rendez-vous"),
        ({"agenda": "other-place"}, "Cet agenda n&#x27;appartient pas à ce lieu"),
        ({"slot": "abc"}, "Ce créneau n&#x27;existe pas : choisissez-en un dans la liste"),
        ({"slot": "999999"}, "Ce créneau n&#x27;existe pas pour ce type de rendez-vous"),
        ({"notify_mode": "toujours"}, "Sélectionnez un choix valide"),
    ],
)
def test_tampered_ids_are_refused_in_french_and_nothing_is_booked(
    person, slot_type, office, agenda, make_slot, bex, client_for, in_alpha, tamper, message
):
    slot = make_slot()
    if tamper.get("agenda") == "other-place":
        elsewhere = Place.objects.create(name="Autre lieu")
        elsewhere.appointment_types.add(slot_type)
        tamper = {"agenda": Agenda.objects.create(place=elsewhere, name="Équipe X").pk}
    response = client_for(bex).post(
        BOOK_URL, _booking_post(person, slot_type, office, agenda, slot, **tamper)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()
    assert not AppointmentEvent.objects.exists()
    assert Slot.objects.get(pk=slot.pk).booked_count == 0


# --- booking from the day view -------------------------------------------------------------------
def test_booking_from_a_free_slot_of_the_day_view(
    person, slot_type, office, agenda, bex, client_for, in_alpha
):
    starts_at = open_day_at(in_alpha, 10, days_ahead=2)
    slot = Slot.objects.create(agenda=agenda, appointment_type=slot_type, starts_at=starts_at)
    taken = Slot.objects.create(
        agenda=agenda,
        appointment_type=slot_type,
        starts_at=starts_at + timedelta(hours=1),
        booked_count=1,
    )
    client = client_for(bex)
    day = client.get(f"/agenda/?date={starts_at.date().isoformat()}").content.decode()
    assert f"{BOOK_URL}?creneau={slot.pk}" in day
    assert f"?creneau={taken.pk}" not in day  # full: not free

    # the page asks for the person first; the search is posted, never in the URL
    html = client.get(f"{BOOK_URL}?creneau={slot.pk}").content.decode()
    assert 'name="recherche"' in html and 'method="post"' in html
    assert ">Convoquer</button>" not in html
    found = client.post(f"{BOOK_URL}?creneau={slot.pk}", {"recherche": "", "creneau": slot.pk})
    assert found.status_code == 400
    assert "Saisissez un nom" in found.content.decode()
    for query in ("mart", "06 12 34 56 78"):
        found = client.post(
            f"{BOOK_URL}?creneau={slot.pk}", {"recherche": query, "creneau": slot.pk}
        )
        html = found.content.decode()
        link = f'href="?creneau={slot.pk}&amp;personne={person.pk}"'
        assert link in html, query
    nobody = client.post(f"{BOOK_URL}?creneau={slot.pk}", {"recherche": "zzzz", "creneau": slot.pk})
    assert "Aucune personne suivie ne correspond" in nobody.content.decode()

    # with the person: type, place, agenda and the slot are chosen
    _, html = _page(client, creneau=slot.pk, personne=person.pk)
    assert _selected(html, "choix-type") == str(slot_type.pk)
    assert _selected(html, "choix-agenda") == str(agenda.pk)
    assert re.search(rf'id="creneau-{slot.pk}"[^>]* checked', html)
    response = client.post(BOOK_URL, _booking_post(person, slot_type, office, agenda, slot))
    assert response.status_code == 302
    assert Appointment.objects.get().slot_id == slot.pk


def test_a_day_view_slot_that_is_gone_or_not_for_the_role_is_explained(
    person, slot_type, spip_slot_type, office, agenda, make_slot, bex, client_for, in_alpha
):
    client = client_for(bex)
    full = make_slot(capacity=1, booked_count=1)
    _, html = _page(client, creneau=full.pk, personne=person.pk)
    assert "Ce créneau n&#x27;est plus libre" in html
    assert _selected(html, "choix-agenda") == str(agenda.pk)  # still a good start
    not_mine = make_slot(appointment_type=spip_slot_type)  # a CPIP type: not for a BEX
    for value in (not_mine.pk, "999999", "abc"):
        response, html = _page(client, creneau=value, personne=person.pk)
        assert response.status_code == 200
        assert "Ce créneau n&#x27;existe pas ou ne vous est pas proposé" in html
    day = (timezone.localtime(not_mine.starts_at, in_alpha.zone)).date().isoformat()
    assert f"creneau={not_mine.pk}" not in client.get(f"/agenda/?date={day}").content.decode()


# --- rescheduling ----------------------------------------------------------------------------
def test_rescheduling_starts_from_the_old_type_place_and_agenda(
    person, slot_type, office, second_office, agenda, make_slot, bex, client_for, in_alpha
):
    north_agenda = Agenda.objects.create(place=second_office, name="Équipe nord")
    other_agenda = Agenda.objects.create(place=second_office, name="Équipe nord bis")
    Slot.objects.create(  # two agendas with slots: only the old one makes the choice
        agenda=other_agenda,
        appointment_type=slot_type,
        starts_at=timezone.now() + timedelta(hours=70),
    )
    old = book_on_new_slot(
        person,
        slot_type,
        second_office,
        north_agenda,
        lambda hours_from_now: Slot.objects.create(
            agenda=north_agenda,
            appointment_type=slot_type,
            starts_at=timezone.now() + timedelta(hours=hours_from_now),
        ),
        bex,
        30,
    )
    new_slot = Slot.objects.create(
        agenda=north_agenda,
        appointment_type=slot_type,
        starts_at=timezone.now() + timedelta(hours=80),
    )
    client = client_for(bex)
    html = client.get(f"/convocations/{old.pk}/reporter/").content.decode()
    assert _selected(html, "choix-type") == str(slot_type.pk)
    assert _selected(html, "choix-lieu") == str(second_office.pk)
    assert _selected(html, "choix-agenda") == str(north_agenda.pk)
    assert f"creneau-{new_slot.pk}" in html
    assert ">Reporter le rendez-vous</button>" in html
    response = client.post(
        f"/convocations/{old.pk}/reporter/",
        _booking_post(person, slot_type, second_office, north_agenda, new_slot),
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.replaced_by.slot_id == new_slot.pk


def test_a_person_followed_already_starts_from_their_last_appointment(
    person, slot_type, spip_slot_type, office, second_office, agenda, client_for, in_alpha
):
    admin = MembershipFactory(jurisdiction=in_alpha, role=Role.LOCAL_ADMIN).user  # books both
    north_agenda = Agenda.objects.create(place=second_office, name="Équipe nord")
    Agenda.objects.create(place=second_office, name="Équipe nord bis")
    for hours, kind, place, team in (
        (-24 * 60, spip_slot_type, office, agenda),  # older: not the defaults
        (-24 * 30, slot_type, second_office, north_agenda),
    ):
        Appointment.objects.create(
            person=person,
            appointment_type=kind,
            place=place,
            agenda=team,
            starts_at=timezone.now() + timedelta(hours=hours),
        )
    client = client_for(admin)
    _, html = _page(client, personne=person.pk)
    assert _selected(html, "choix-type") == str(slot_type.pk)
    assert _selected(html, "choix-lieu") == str(second_office.pk)
    assert _selected(html, "choix-agenda") == str(north_agenda.pk)
    assert "Celui de son dernier rendez-vous" in html
    # the agent's own choice wins and the hint goes
    _, html = _page(client, personne=person.pk, type=spip_slot_type.pk)
    assert _selected(html, "choix-type") == str(spip_slot_type.pk)
    assert _selected(html, "choix-lieu") == str(office.pk)
    assert "Celui de son dernier rendez-vous" not in html
    # a type the agent's role does not book is not offered, hence not chosen
    AppointmentType.objects.filter(pk=slot_type.pk).update(is_active=False)
    _, html = _page(client, personne=person.pk)
    assert _selected(html, "choix-type") != str(slot_type.pk)
    assert "Celui de son dernier rendez-vous" not in html


def test_someone_never_booked_gets_no_defaults_beyond_the_only_choices(
    person, slot_type, spip_slot_type, office, agenda, client_for, in_alpha
):
    admin = MembershipFactory(jurisdiction=in_alpha, role=Role.LOCAL_ADMIN).user
    _, html = _page(client_for(admin), personne=person.pk)
    assert _selected(html, "choix-type") == ""
    assert "Celui de son dernier rendez-vous" not in html


def test_the_person_search_shows_a_page_of_matches_and_asks_to_narrow_beyond(
    slot_type, agenda, make_slot, bex, client_for, in_alpha
):
    slot = make_slot()
    for number in range(PEOPLE_FOUND + 1):
        Person.objects.create(
            last_name="DURAND", first_names=f"Invité{number}", birth_date="1980-01-01"
        )
    html = (
        client_for(bex)
        .post(f"{BOOK_URL}?creneau={slot.pk}", {"recherche": "durand", "creneau": slot.pk})
        .content.decode()
    )
    assert html.count(f'href="?creneau={slot.pk}&amp;personne=') == PEOPLE_FOUND
    assert "précisez la recherche" in html
