"""The agent's home (jurisdiction_apps/casefile/views.py ``home``): the day's appointments,
one-click outcomes, the counts of what waits, the search to book from, the managers' health."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile.agent_day import SEARCH_RESULTS_SHOWN
from jurisdiction_apps.notifications.constants import MessageState, PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.constants import Author, ChangeRequestKind
from jurisdiction_apps.portal.models import ChangeRequest, PortalMessage
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind, Weekday
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent, Slot, SlotTemplate
from jurisdiction_apps.scheduling.services import change_state
from shared.sms_texts.constants import MessageKind
from tenants.constants import Role
from tests.dates import at
from tests.factories import MembershipFactory

HOME = "/tableau-de-bord/"


def member(jurisdiction, role, **user):
    return MembershipFactory(jurisdiction=jurisdiction, role=role, **user).user


def main(response) -> str:
    return response.content.decode().split('<main id="contenu"', 1)[1]


def day_table(response) -> str:
    body = main(response)
    if 'id="rendez-vous-du-jour"' not in body:
        return ""
    return body.split('id="rendez-vous-du-jour"', 1)[1].split("</table>", 1)[0]


def counters(response) -> list[str]:
    block = main(response).split('id="a-traiter"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r">([^<>]+)</a>", block)]


# --- the day ------------------------------------------------------------------------------------
def test_a_counsellor_sees_their_own_appointments_of_the_local_day(
    alpha, make_person, make_appointment, client_for
):
    mine, colleague = member(alpha, Role.CPIP), member(alpha, Role.CPIP)
    morning = make_appointment(make_person("MATIN"), 9, agent=mine)
    afternoon = make_appointment(make_person("APRESMIDI"), 16, agent=mine)
    make_appointment(make_person("COLLEGUE"), 10, agent=colleague)
    make_appointment(make_person("HIER"), 10, agent=mine, days=-1)
    make_appointment(make_person("DEMAIN"), 10, agent=mine, days=1)
    # 23:30 the evening before on the jurisdiction's clock (already the day in UTC+4 zones).
    make_appointment(make_person("VEILLE"), 23, agent=mine, days=-1)
    Appointment.objects.filter(person__last_name="VEILLE").update(
        starts_at=at(alpha, morning.starts_at.astimezone(alpha.zone).date(), 0)
        - timedelta(minutes=30)
    )

    response = client_for(mine).get(HOME)

    assert response.status_code == 200
    table = day_table(response)
    assert "MATIN" in table and "APRESMIDI" in table
    for other in ("COLLEGUE", "HIER", "DEMAIN", "VEILLE"):
        assert other not in table, other
    assert table.index("MATIN") < table.index("APRESMIDI")
    # Local times of the jurisdiction.
    assert timezone.localtime(morning.starts_at, alpha.zone).strftime("%H:%M") in table
    assert timezone.localtime(afternoon.starts_at, alpha.zone).strftime("%H:%M") in table
    assert "Rendez-vous d'aujourd'hui — Mes rendez-vous" in main(response)


def test_an_agent_without_appointments_sees_the_jurisdiction_and_filters_by_agenda(
    alpha, team, other_team, make_person, make_appointment, client_for
):
    bex = member(alpha, Role.BEX)
    cpip = member(alpha, Role.CPIP)
    make_appointment(make_person("PREMIERE"), 9, agent=cpip, agenda=team)
    make_appointment(make_person("SECONDE"), 10, agenda=other_team)
    client = client_for(bex)

    everything = day_table(client.get(HOME))
    assert "PREMIERE" in everything and "SECONDE" in everything

    one_agenda = client.get(HOME, {"vue": other_team.pk})
    assert "SECONDE" in day_table(one_agenda) and "PREMIERE" not in day_table(one_agenda)
    assert f"Agenda {other_team}".replace("'", "&#x27;") in main(one_agenda)


@pytest.mark.parametrize("value", ["miens", "999999", "n'importe quoi", "-1"])
def test_an_unknown_display_choice_says_so_and_shows_the_default(
    alpha, team, make_person, make_appointment, client_for, value
):
    bex = member(alpha, Role.BEX)  # holds no appointments: "miens" is not one of their choices
    make_appointment(make_person("PREMIERE"), 9, agenda=team)

    response = client_for(bex).get(HOME, {"vue": value})

    assert response.status_code == 200
    assert "Cet affichage n&#x27;existe pas ou plus" in main(response)
    assert "PREMIERE" in day_table(response)  # the default: the whole jurisdiction


def test_an_archived_agenda_is_not_a_display_choice(
    alpha, other_team, make_person, make_appointment, client_for
):
    make_appointment(make_person("SECONDE"), 10, agenda=other_team)
    other_team.archive()
    response = client_for(member(alpha, Role.BEX)).get(HOME, {"vue": other_team.pk})
    assert "Cet affichage n&#x27;existe pas ou plus" in main(response)


def test_another_jurisdictions_data_never_shows(
    alpha, beta, make_person, make_appointment, client_for, day
):
    agent = member(alpha, Role.CPIP)
    make_appointment(make_person("ALPHAVILLE"), 9, agent=agent)
    with tenant_context(beta):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place = Place.objects.create(name="Antenne de Bêta")
        stranger = Person.objects.create(
            last_name="BETAVILLE",
            first_names="Zoé",
            birth_date="1985-01-01",
            phone="+262692000001",
            city="SAINT-DENIS",
            appi_number="12345678",
        )
        Appointment.objects.create(
            person=stranger,
            appointment_type=kind,
            place=place,
            starts_at=at(beta, day, 9),
            assigned_agent=agent,  # even assigned to the same account
        )
        Message.objects.create(
            person=stranger, kind=PortalSmsKind.INVITATION, state=MessageState.FAILED
        )
    client = client_for(agent)

    home = client.get(HOME, {"vue": "tous"})
    assert "ALPHAVILLE" in day_table(home) and "BETAVILLE" not in main(home)
    assert "Aucun SMS en échec" in counters(home)
    found = client.post(HOME, {"q": "betaville"})
    assert "BETAVILLE" not in main(found)
    assert "Aucune personne active ne correspond" in main(found)
    by_appi = client.post(HOME, {"q": "12345678"})
    assert "BETAVILLE" not in main(by_appi)


# --- outcomes -----------------------------------------------------------------------------------
def outcome_forms(response) -> dict[str, dict[str, str]]:
    """The outcome forms of the page: action → its fields (name → value), CSRF and next left out."""
    forms = {}
    pattern = r'<form method="post" action="[^"]*/statut/">(.*?)</form>'
    for form in re.findall(pattern, main(response), re.S):
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        fields.pop("csrfmiddlewaretoken", None)
        fields.pop("next", None)
        forms[fields["action"]] = fields
    return forms


def test_one_click_outcomes_are_recorded_from_the_home_and_come_back_to_it(
    alpha, make_person, make_appointment, client_for
):
    agent = member(alpha, Role.CPIP)
    came = make_appointment(make_person("VENUE"), 9, agent=agent)
    missed = make_appointment(make_person("ABSENTE"), 10, agent=agent)
    later = make_appointment(make_person("PLUSTARD"), 16, agent=agent)
    client = client_for(agent)
    home = client.get(HOME)
    table = day_table(home)
    assert "Honoré : VENUE Léa" in table and "Manqué : ABSENTE Léa" in table
    assert "PLUSTARD" in table and "Honoré : PLUSTARD" not in table  # not yet happened

    back = client.post(
        f"/convocations/{came.pk}/statut/",
        {"action": EventKind.FULFILLED, "next": HOME},
        follow=True,
    )
    assert back.redirect_chain[-1][0] == HOME
    assert "VENUE Léa : marqué honoré." in main(back)
    client.post(f"/convocations/{missed.pk}/statut/", {"action": EventKind.NO_SHOW, "next": HOME})
    with tenant_context(alpha):
        assert Appointment.objects.get(pk=came.pk).state == AppointmentState.FULFILLED
        assert Appointment.objects.get(pk=missed.pk).state == AppointmentState.NO_SHOW
        assert Appointment.objects.get(pk=later.pk).state == AppointmentState.BOOKED
        event = AppointmentEvent.objects.get(appointment=missed, kind=EventKind.NO_SHOW)
        assert event.actor_id == agent.pk
        assert not event.notify
        assert not Message.objects.filter(kind=MessageKind.NO_SHOW).exists()
    # Recording a future appointment is refused, in French, and changes nothing.
    refused = client.post(
        f"/convocations/{later.pk}/statut/",
        {"action": EventKind.FULFILLED, "next": HOME},
        follow=True,
    )
    assert "n&#x27;a pas encore eu lieu" in main(refused)
    with tenant_context(alpha):
        assert Appointment.objects.get(pk=later.pk).state == AppointmentState.BOOKED


def test_the_homes_outcome_forms_send_what_the_appointment_page_sends(
    alpha, make_person, make_appointment, client_for
):
    """Same SMS rules for a missed appointment: the home's forms carry the same fields as the
    appointment page's (today: no "notify", so no SMS of absence from either)."""
    agent = member(alpha, Role.CPIP)
    appointment = make_appointment(make_person("PAREIL"), 9, agent=agent)
    client = client_for(agent)
    from_home = outcome_forms(client.get(HOME))
    from_page = outcome_forms(client.get(f"/convocations/{appointment.pk}/"))
    for kind in (EventKind.FULFILLED, EventKind.NO_SHOW, EventKind.EXCUSED):
        assert from_home[kind] == from_page[kind], kind


def test_a_prosecutor_sees_the_day_without_outcome_buttons(
    alpha, make_person, make_appointment, client_for
):
    make_appointment(make_person("PARQUET"), 9)
    response = client_for(member(alpha, Role.PROSECUTOR)).get(HOME)
    assert "PARQUET" in day_table(response)
    assert outcome_forms(response) == {}


# --- counts -------------------------------------------------------------------------------------
def test_counts_follow_the_scope_link_to_their_pages_and_speak_french_plurals(
    alpha, make_person, make_appointment, client_for
):
    agent, colleague = member(alpha, Role.CPIP), member(alpha, Role.CPIP)
    client = client_for(agent)
    assert counters(client.get(HOME))[:2] == [
        "Aucun rendez-vous passé à renseigner",
        "Aucune absence à rappeler",
    ]

    absent = make_appointment(make_person("UN"), 9, agent=agent, days=-1)
    change_state(absent.pk, EventKind.NO_SHOW, acting_user=agent)
    make_appointment(make_person("ARENSEIGNER"), 9, agent=agent, days=-2)
    make_appointment(make_person("COLLEGUE"), 9, agent=colleague, days=-2)  # not mine
    response = client.get(HOME)
    assert counters(response)[:2] == ["1 rendez-vous passé à renseigner", "1 absence à rappeler"]
    assert f'href="/agenda/absences/?agent={agent.pk}"' in main(response)
    assert f'href="/agenda/a-renseigner/?agent={agent.pk}"' in main(response)

    for name in ("DEUX", "TROIS"):
        other = make_appointment(make_person(name), 10, agent=agent, days=-3)
        change_state(other.pk, EventKind.NO_SHOW, acting_user=agent)
    texts = counters(client.get(HOME))
    assert "3 absences à rappeler" in texts
    assert not any("(s)" in text for text in texts)
    # The whole jurisdiction: the colleague's appointment counts too.
    assert "2 rendez-vous passés à renseigner" in counters(client.get(HOME, {"vue": "tous"}))


def test_counts_of_requests_messages_and_failed_sms(
    alpha, make_person, make_appointment, client_for
):
    agent = member(alpha, Role.CPIP)
    person = make_person("DEMANDEUSE")
    ahead = make_appointment(person, 10, agent=agent, days=3)
    ChangeRequest.objects.create(
        appointment=ahead, person=person, kind=ChangeRequestKind.CANNOT_COME, reason="Malade"
    )
    for _ in range(2):
        PortalMessage.objects.create(person=person, author=Author.PERSON, body="Bonjour")
    PortalMessage.objects.create(person=person, author=Author.TEAM, agent=agent, body="Réponse")
    # An SMS of the portal (an appointment's SMS needs its event: tests/notifications).
    Message.objects.create(person=person, kind=PortalSmsKind.INVITATION, state=MessageState.FAILED)

    texts = counters(client_for(agent).get(HOME))

    assert "1 demande de changement à traiter" in texts
    assert "2 messages non lus" in texts
    assert "1 SMS en échec" in texts
    # A BEX agent does not read the portal's messages: no such counter.
    bex_texts = counters(client_for(member(alpha, Role.BEX)).get(HOME))
    assert not any("message" in text for text in bex_texts)


# --- search -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    ["lefevre", "LEFÈVRE hél", "06 12 34 56 78", "+33 6 12 34 56 78", "0612345678", "202000007919"],
)
def test_the_search_finds_by_name_phone_in_any_writing_and_appi_number(
    alpha, make_person, client_for, query
):
    wanted = make_person("LEFÈVRE", "Hélène", phone="+33612345678", appi_number="202000007919")
    make_person("MOREAU", "Hugo")
    response = client_for(member(alpha, Role.BEX)).post(HOME, {"q": query})
    body = main(response)
    assert response.status_code == 200
    assert "LEFÈVRE Hélène" in body and "MOREAU" not in body
    assert "1 personne correspond" in body
    assert f'href="/convocations/nouvelle/?personne={wanted.pk}"' in body
    assert f'href="/personnes/{wanted.pk}/"' in body


def test_the_search_counts_its_results_and_leaves_out_archived_people(
    alpha, make_person, client_for
):
    for first in ("Léa", "Hugo"):
        make_person("MARTIN", first)
    make_person("MARTIN", "Zoé").archive()
    body = main(client_for(member(alpha, Role.BEX)).post(HOME, {"q": "martin"}))
    assert "2 personnes correspondent" in body and "Zoé" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q": "   "}, "Saisissez un nom, un numéro de téléphone ou un numéro APPI."),
        ({}, "Saisissez un nom, un numéro de téléphone ou un numéro APPI."),
        ({"q": "x" * 101}, "La recherche est trop longue"),
    ],
)
def test_a_bad_search_says_why_in_french(alpha, make_person, client_for, data, message):
    make_person("MARTIN")
    response = client_for(member(alpha, Role.BEX)).post(HOME, data)
    assert response.status_code == 400
    assert message in main(response) and "MARTIN" not in main(response)


def test_the_search_is_sent_by_post_so_that_no_name_goes_into_a_url(alpha, make_person, client_for):
    make_person("DISCRET")
    client = client_for(member(alpha, Role.BEX))
    page = main(client.get(HOME))
    assert re.search(r'<form method="post" action="/tableau-de-bord/[^"]*" role="search"', page)
    # A name in the query string finds nothing: the home ignores it.
    assert "DISCRET" not in main(client.get(HOME, {"q": "discret"}))


def test_a_role_that_cannot_book_gets_the_person_page_only(alpha, make_person, client_for):
    wanted = make_person("SEULEMENT")
    body = main(client_for(member(alpha, Role.PROSECUTOR)).post(HOME, {"q": "seulement"}))
    assert f'href="/personnes/{wanted.pk}/"' in body
    assert "/convocations/nouvelle/" not in body


# --- health -------------------------------------------------------------------------------------
@pytest.fixture
def troubled_jurisdiction(alpha, office, team, other_team, make_person, make_appointment, day):
    """Health figures to find: 2 SMS failed this week (one older), 1 of 3 past appointments of
    the month without outcome (a cancelled one left out), the team agenda short of places."""
    now = timezone.now()
    person = make_person("SANTE")
    for days_ago in (1, 6, 8):
        Message.objects.create(
            person=person,
            kind=PortalSmsKind.INVITATION,
            state=MessageState.FAILED,
            failed_at=now - timedelta(days=days_ago),
        )
    make_appointment(person, 9, days=-1)  # no outcome
    make_appointment(person, 9, days=-2, state=AppointmentState.FULFILLED)
    make_appointment(person, 9, days=-3, state=AppointmentState.NO_SHOW)
    make_appointment(person, 9, days=-4, state=AppointmentState.CANCELLED)
    make_appointment(person, 9, days=-40)  # older than the month
    kind = AppointmentType.objects.get(code="sortie-audience-spip")
    for agenda, capacity in ((team, 3), (other_team, 12)):
        SlotTemplate.objects.create(
            agenda=agenda, appointment_type=kind, weekday=Weekday.MONDAY, start_time="09:00"
        )
        Slot.objects.create(
            agenda=agenda,
            appointment_type=kind,
            starts_at=now + timedelta(days=2),
            capacity=capacity,
            booked_count=1,
        )
    # Free places beyond the two weeks do not count; an agenda without template is not flagged.
    Slot.objects.create(
        agenda=team, appointment_type=kind, starts_at=now + timedelta(days=20), capacity=50
    )
    Agenda.objects.create(place=office, name="Sans créneaux")
    return now


@pytest.mark.parametrize("role", [Role.LOCAL_ADMIN, Role.DPIP, Role.DIR_GREFF_BEX])
def test_managers_see_the_jurisdictions_health(alpha, troubled_jurisdiction, client_for, role):
    body = main(client_for(member(alpha, role)).get(HOME))
    health = body.split('id="sante"', 1)[1]
    assert "2 SMS en échec sur les 7 derniers jours" in health
    assert "33 % des rendez-vous passés des 30 derniers jours sont sans issue renseignée" in health
    assert "(1 sur 3)" in health
    assert "Antenne d&#x27;Alpha — Équipe 1 : 2 places libres" in health
    assert "Équipe 2" not in health and "Sans créneaux" not in health


@pytest.mark.parametrize("role", [Role.CPIP, Role.BEX, Role.JAP])
def test_plain_agents_do_not_see_the_health(alpha, troubled_jurisdiction, client_for, role):
    body = main(client_for(member(alpha, role)).get(HOME))
    assert 'id="sante"' not in body and "Santé de la juridiction" not in body


# --- queries and several jurisdictions ----------------------------------------------------------
def _queries_of_the_home(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME, {"vue": "tous"}).status_code == 200
    return len(captured)


def test_the_home_runs_a_fixed_number_of_queries(
    alpha,
    troubled_jurisdiction,
    make_person,
    make_appointment,
    client_for,
    django_assert_max_num_queries,
):
    admin = member(alpha, Role.LOCAL_ADMIN)
    client = client_for(admin)
    make_appointment(make_person("SEUL"), 9, agent=admin)
    few = _queries_of_the_home(client)
    for index in range(25):
        make_appointment(make_person(f"NOMBREUX{index}"), 8 + index % 10, agent=admin)
    with django_assert_max_num_queries(few):
        response = client.get(HOME, {"vue": "tous"})
    assert "NOMBREUX24" in day_table(response)


def test_the_search_runs_a_fixed_number_of_queries(
    alpha, make_person, client_for, django_assert_max_num_queries
):
    client = client_for(member(alpha, Role.BEX))
    make_person("UNIQUE")
    with CaptureQueriesContext(connection) as one_result:
        client.post(HOME, {"q": "unique"})
    for index in range(25):
        make_person("NOMBREUX", f"Prénom{index}")
    with django_assert_max_num_queries(len(one_result)):
        response = client.post(HOME, {"q": "nombreux"})
    assert f"les {SEARCH_RESULTS_SHOWN} premières" in main(response)


def test_an_agent_of_several_jurisdictions_can_switch_from_the_home(alpha, beta, client_for):
    agent = member(alpha, Role.CPIP)
    MembershipFactory(jurisdiction=beta, user=agent, role=Role.PSYCHOLOGIST)
    body = main(client_for(agent).get(HOME))
    assert f"Passer à {beta.name}" in body
    single = main(client_for(member(alpha, Role.CPIP)).get(HOME))
    assert "Passer à" not in single and "Mes juridictions" not in single
