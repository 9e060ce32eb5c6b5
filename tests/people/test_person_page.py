"""The person page: identity, SMS status, appointments, history, traceability of views."""

from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person, PersonView
from jurisdiction_apps.scheduling.constants import EventKind
from jurisdiction_apps.scheduling.services import change_state
from tenants.constants import Role
from tests.factories import MembershipFactory

from .helpers import agent_client, host, make_person, page_text, person_data


def detail_url(person) -> str:
    return reverse("people:detail", args=[person.pk])


def test_page_shows_identity_contact_and_sms_refusal(cpip_client, alpha):
    referent = agent_client(alpha, Role.CPIP, first_name="Inès", last_name="Référente").user
    person = make_person(
        alpha,
        phone="+33612345678",
        no_mobile_phone=False,
        refuses_sms=True,
        appi_number="12345678",
        referent=referent,
    )
    response = cpip_client.get(detail_url(person))
    assert response.status_code == 200
    text = page_text(response)
    assert text.count("<h1") == 1
    assert "MARTIN Léa" in text
    assert "02/04/1990" in text
    assert "06 12 34 56 78" in text
    assert "12345678" in text
    assert "NANTERRE" in text
    assert "Inès Référente" in text
    assert "Cette personne refuse les SMS" in text


def test_opening_the_page_writes_one_view(cpip_client, alpha):
    person = make_person(alpha)
    cpip_client.get(detail_url(person))
    with tenant_context(alpha):
        (view,) = PersonView.objects.all()
    assert (view.person_id, view.viewer_id) == (person.pk, cpip_client.user.pk)


def test_person_of_another_jurisdiction_does_not_exist_here(alpha, beta):
    stranger = make_person(beta, last_name="BETANIEN")
    with tenant_context(alpha):
        assert not Person.objects.filter(pk=stranger.pk).exists()
    # An agent of both jurisdictions, signed in on alpha's host.
    client = agent_client(alpha, Role.DPIP)
    MembershipFactory(jurisdiction=beta, role=Role.DPIP, user=client.user)
    for name in ("detail", "edit", "audit"):
        assert client.get(reverse(f"people:{name}", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("people:archive", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("people:edit", args=[stranger.pk]), person_data()).status_code == 404
    with tenant_context(beta):
        assert not PersonView.objects.exists()
        assert Person.objects.get(pk=stranger.pk).archived_at is None


def test_unknown_person_is_a_plain_404(cpip_client, alpha):
    response = cpip_client.get("/personnes/999999/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


def test_appointments_are_split_and_history_lists_events_with_agents(
    cpip_client, alpha, make_appointments
):
    person = make_person(alpha)
    booker = agent_client(alpha, Role.CPIP, first_name="Yanis", last_name="Booker").user
    appointments = make_appointments(person, 3, past=1, acting_user=booker)
    with tenant_context(alpha):
        change_state(appointments[0].pk, EventKind.NO_SHOW, acting_user=booker)
    response = cpip_client.get(detail_url(person))
    context = response.context
    assert [item.pk for item in context["upcoming"]] == [appointments[1].pk, appointments[2].pk]
    assert [item.pk for item in context["past"]] == [appointments[0].pk]
    text = page_text(response)
    assert "Convocation de suivi SPIP" in text
    assert "Manqué" in text
    titles = [entry.title for entry in context["timeline"]]
    assert titles.count("Convocation planifiée") == 3
    # Newest first, among the appointments' events: the person's own entries are stamped by
    # PostgreSQL's now() (pghistory's triggers), which TEST_CLOCK does not move.
    appointment_titles = [e.title for e in context["timeline"] if e.category == "appointment"]
    assert appointment_titles[:1] == ["Marqué manqué"]
    assert "Yanis Booker" in text


def test_history_shows_the_creation_and_changes_of_the_person(bex_client, alpha):
    bex_client.post("/personnes/nouvelle/", person_data())
    with tenant_context(alpha):
        person = Person.objects.get()
    bex_client.post(
        reverse("people:edit", args=[person.pk]),
        person_data(phone="06 98 76 54 32", birth_date="1985-06-15"),
    )
    response = bex_client.get(detail_url(person))
    summaries = [entry.summary for entry in response.context["timeline"]]
    assert summaries == ["Fiche modifiée : téléphone portable", "Fiche créée"]
    assert "par Léa Bexienne" in page_text(response)


def test_book_button_points_to_booking_with_the_person(cpip_client, alpha):
    from django.urls import NoReverseMatch

    person = make_person(alpha)
    text = page_text(cpip_client.get(detail_url(person)))
    try:
        book_url = reverse("scheduling:book")
    except NoReverseMatch:  # the booking screen is not routed yet
        assert "Convoquer" not in text
    else:
        assert f"{book_url}?personne={person.pk}" in text


def test_buttons_follow_the_role(alpha):
    person = make_person(alpha)
    prosecutor = page_text(agent_client(alpha, Role.PROSECUTOR).get(detail_url(person)))
    assert "Modifier la fiche" not in prosecutor
    assert "Traçabilité" not in prosecutor
    assert "Archiver" not in prosecutor
    director = page_text(agent_client(alpha, Role.DPIP).get(detail_url(person)))
    assert "Modifier la fiche" in director
    assert "Traçabilité" in director
    assert "Archiver" in director


def test_a_long_follow_up_shows_its_recent_part_and_everything_on_demand(
    cpip_client, alpha, make_appointments
):
    person = make_person(alpha)
    make_appointments(person, 35, past=30)
    url = reverse("people:detail", args=[person.pk])
    recent = page_text(cpip_client.get(url, HTTP_HOST=host(alpha)))
    # 35 bookings, 1 creation of the record: 36 entries, the 30 most recent shown.
    assert recent.count('<li class="fr-mb-2w">') == 30
    assert "Afficher les 6 événements plus anciens" in recent
    assert "Afficher les 10 convocations plus anciennes" in recent
    everything = page_text(cpip_client.get(url + "?tout=1", HTTP_HOST=host(alpha)))
    assert everything.count('<li class="fr-mb-2w">') == 36
    assert "plus anciens" not in everything


def test_the_age_turns_on_the_birthday_at_the_jurisdictions_midnight(beta):
    """At 01:00 on 15 June at La Réunion it is still 14 June in Paris (and in UTC): a person born
    on 15 June 2000 is 27 on the page of Saint-Denis's team, not 26 until Paris's midnight."""
    person = make_person(beta, birth_date=date(2000, 6, 15), city="SAINT-DENIS")
    ages = {}
    for day, hour in ((15, 1), (14, 23)):
        # In UTC: given a ZoneInfo, time-machine would also move the process's local zone.
        instant = datetime(2027, 6, day, hour, tzinfo=beta.zone).astimezone(UTC)
        with time_machine.travel(instant, tick=False):
            client = agent_client(beta, Role.CPIP)  # signed in at that instant
            ages[day] = page_text(client.get(detail_url(person), HTTP_HOST=host(beta)))
    assert "15/06/2000 (27 ans)" in ages[15]
    assert "15/06/2000 (26 ans)" in ages[14]
