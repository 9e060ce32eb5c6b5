"""The portal's home: the next appointment first and worded in the jurisdiction's time, the lists,
the calendar files and the private feed, the referent's contact, and what a person cannot see."""

import re
from datetime import datetime, timedelta

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context
from icalendar import Calendar

from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.portal.models import CalendarFeed
from jurisdiction_apps.portal.services import agenda as service
from jurisdiction_apps.scheduling.constants import AppointmentState, EventKind
from jurisdiction_apps.scheduling.models import Appointment
from jurisdiction_apps.scheduling.services import BookingRequest, book, change_state, reschedule
from tenants.constants import Role
from tenants.models import Membership
from tests.auth import sign_in
from tests.dates import at, local_today
from tests.people.helpers import agent_client, host, page_text

from .helpers import person_client

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
ADDRESS = "12 rue des Lilas, 92000 NANTERRE"
OSM = "https://www.openstreetmap.org/search?query=12+rue+des+Lilas%2C+92000+NANTERRE"


def in_words(day, jurisdiction) -> str:
    """The expected French day, written out independently of the code under test (with the year
    when it is not this year at the jurisdiction: La Réunion's new year comes first)."""
    text = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return text if day.year == local_today(jurisdiction).year else f"{text} {day.year}"


def local_start(jurisdiction, days: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` on the jurisdiction's clock, ``days`` after its today (any day of the
    week: ``book_at`` allows the weekend)."""
    return at(jurisdiction, local_today(jurisdiction) + timedelta(days=days), hour, minute)


def place_of(jurisdiction, name="SPIP d'Alpha — antenne centre", **fields) -> Place:
    with tenant_context(jurisdiction):
        defaults = {
            "address": "12 rue des Lilas",
            "postcode": "92000",
            "city": "NANTERRE",
            "phone": "01 40 97 10 10",
            "email": "antenne@spip.example",
        }
        defaults.update(fields)
        place, _ = Place.objects.get_or_create(name=name, defaults=defaults)
        place.appointment_types.set(AppointmentType.objects.all())
        return place


def book_at(jurisdiction, person, starts_at, *, code="convocation-suivi-spip", place=None, **extra):
    """Book a free-time appointment at ``starts_at`` (weekends allowed for the test)."""
    place = place or place_of(jurisdiction)
    with tenant_context(jurisdiction):
        kind = AppointmentType.objects.get(code=code)
        if not kind.weekend_allowed:
            kind.weekend_allowed = True
            kind.save(update_fields=["weekend_allowed"])
        return book(
            BookingRequest(
                person=person, appointment_type=kind, place=place, starts_at=starts_at, **extra
            ),
            acting_user=None,
        )


def move_to_past(jurisdiction, appointment, days_ago: int) -> None:
    with tenant_context(jurisdiction):
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=timezone.now() - timedelta(days=days_ago)
        )


def section(text: str, start: str, end: str | None = None) -> str:
    """The page's text from the heading ``start`` to the heading ``end``."""
    begin = text.index(start)
    stop = text.index(end, begin) if end else len(text)
    return text[begin:stop]


def words(response) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def ics_of(response) -> Calendar:
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


# --- wording -------------------------------------------------------------------------------------
def test_relative_day_and_time_wording(alpha):
    with tenant_context(alpha):
        now = local_start(alpha, 0, 9)
        assert service.relative_day(now + timedelta(hours=3), now=now) == "aujourd'hui"
        assert service.relative_day(now + timedelta(days=1), now=now) == "demain"
        assert service.relative_day(now + timedelta(days=3), now=now) == "dans 3 jours"
        assert service.relative_day(now + timedelta(days=13), now=now) == "dans 13 jours"
        assert service.relative_day(now + timedelta(days=14), now=now) == "dans 2 semaines"
        assert service.relative_day(now + timedelta(days=90), now=now) == "dans 3 mois"
        assert service.relative_day(now - timedelta(days=1), now=now) == "hier"
        assert service.relative_day(now - timedelta(days=5), now=now) == "il y a 5 jours"
        assert service.time_in_words(local_start(alpha, 1, 10, 30)) == "10 h 30"
        assert service.time_in_words(local_start(alpha, 1, 9)) == "9 h"
        day = local_start(alpha, 3, 10, 30)
        assert service.day_in_words(day) == in_words(day.date(), alpha)


def test_the_next_appointment_comes_first_and_is_worded_plainly(alpha, person, person_browser):
    later = book_at(alpha, person, local_start(alpha, 3, 10, 30))
    soon = book_at(alpha, person, local_start(alpha, 1, 9))
    response = person_browser.get(reverse("portal:home"), HTTP_HOST=host(alpha))
    assert response.status_code == 200
    text = page_text(response)
    card = section(text, "Mon prochain rendez-vous", "Mes autres rendez-vous à venir")
    assert in_words(soon.starts_at.astimezone(alpha.zone).date(), alpha).capitalize() in card
    assert "demain" in card
    assert "à 9 h" in card
    assert "Rendez-vous avec votre conseiller" in card
    assert "SPIP d'Alpha - antenne centre" in card  # the em dash normalised at entry (GSM-7)
    assert ADDRESS in card
    assert OSM in card
    assert "pièce d'identité" in card  # no service page: the generic list
    assert "/preparer/?departement=92" in card  # the place's "prepare" link
    assert reverse("portal:appointment_ics", args=[soon.pk]) in card
    assert reverse("portal:change_request", args=[soon.pk]) in card
    others = section(text, "Mes autres rendez-vous à venir", "Qui contacter ?")
    assert in_words(later.starts_at.astimezone(alpha.zone).date(), alpha).capitalize() in others
    assert "à 10 h 30" in others
    assert "dans 3 jours" in others
    assert "dans 3 jours" not in card


def test_next_appointment_in_three_days(alpha, person, person_browser):
    appointment = book_at(alpha, person, local_start(alpha, 3, 10, 30))
    text = page_text(person_browser.get(reverse("portal:home"), HTTP_HOST=host(alpha)))
    card = section(text, "Mon prochain rendez-vous", "Qui contacter ?")
    assert "dans 3 jours" in card
    assert "à 10 h 30" in card
    assert in_words(appointment.starts_at.astimezone(alpha.zone).date(), alpha).capitalize() in card


def test_no_appointment_says_so(alpha, person, person_browser):
    text = page_text(person_browser.get(reverse("portal:home"), HTTP_HOST=host(alpha)))
    assert "Vous n'avez pas de rendez-vous prévu pour le moment." in text


def test_beta_appointments_are_worded_in_reunion_time(beta, beta_person):
    # 1 h 30 at La Réunion is still the day before in UTC and in Paris, in winter (22 h 30) as
    # in summer time (23 h 30; 2 h 30 would be 0 h 30 the same day there).
    starts_at = local_start(beta, 4, 1, 30)
    place = place_of(beta, name="SPIP de Bêta — Saint-Denis", phone="0262 90 00 00")
    appointment = book_at(beta, beta_person, starts_at, place=place)
    paris_day = starts_at.astimezone(alpha_zone()).date()
    reunion_day = starts_at.date()
    assert paris_day != reunion_day
    client = person_client(beta, beta_person)
    text = page_text(client.get(reverse("portal:home"), HTTP_HOST=host(beta)))
    card = section(text, "Mon prochain rendez-vous", "Qui contacter ?")
    assert in_words(reunion_day, beta).capitalize() in card
    assert "à 1 h 30" in card
    assert "dans 4 jours" in card
    assert "0262 90 00 00" in text  # the place's phone, in the local national form
    url = reverse("portal:appointment_ics", args=[appointment.pk])
    ics = ics_of(client.get(url, HTTP_HOST=host(beta)))
    assert events(ics)[0].decoded("dtstart") == starts_at


def alpha_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")


# --- hidden addresses ----------------------------------------------------------------------------
def test_a_type_that_hides_the_address_shows_neither_address_nor_map(alpha, person, person_browser):
    appointment = book_at(alpha, person, local_start(alpha, 2, 14), code="visite-domicile")
    with tenant_context(alpha):
        assert not appointment.appointment_type.address_visible
    for url in (reverse("portal:home"), reverse("portal:appointment", args=[appointment.pk])):
        text = page_text(person_browser.get(url, HTTP_HOST=host(alpha)))
        assert "Visite de votre conseiller chez vous" in text
        assert "rue des Lilas" not in text
        assert "openstreetmap" not in text
    response = person_browser.get(
        reverse("portal:appointment_ics", args=[appointment.pk]), HTTP_HOST=host(alpha)
    )
    event = events(ics_of(response))[0]
    assert str(event["location"]) == "SPIP d'Alpha - antenne centre"
    assert b"Lilas" not in response.content


# --- the lists -----------------------------------------------------------------------------------
def test_upcoming_past_cancelled_and_moved_appointments(alpha, person, person_browser):
    kept = book_at(alpha, person, local_start(alpha, 5, 11))
    cancelled = book_at(alpha, person, local_start(alpha, 6, 15))
    moved = book_at(alpha, person, local_start(alpha, 7, 10))
    came = book_at(alpha, person, local_start(alpha, 8, 10))
    move_to_past(alpha, came, 10)
    with tenant_context(alpha):
        change_state(came.pk, EventKind.FULFILLED, acting_user=None)
        change_state(cancelled.pk, EventKind.CANCELLED, acting_user=None)
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        new = reschedule(
            moved.pk,
            BookingRequest(
                person=person,
                appointment_type=kind,
                place=moved.place,
                starts_at=local_start(alpha, 12, 16, 45),
            ),
            acting_user=None,
        )
        lists = service.split(person)
    assert lists["next"].pk == kept.pk
    assert [s.pk for s in lists["upcoming"]] == [new.pk]
    assert {s.pk: s.status for s in lists["cancelled"]} == {
        cancelled.pk: "cancelled",
        moved.pk: "moved",
    }
    assert [s.pk for s in lists["past"]] == [came.pk]

    text = page_text(person_browser.get(reverse("portal:home"), HTTP_HOST=host(alpha)))
    gone = section(text, "Rendez-vous annulés ou déplacés", "Mes rendez-vous passés")
    new_day = in_words(new.starts_at.astimezone(alpha.zone).date(), alpha)
    assert "Déplacé" in gone
    assert f"Nouveau rendez-vous : {new_day} à 16 h 45." in gone
    assert "Annulé" in gone
    assert "Ce rendez-vous est annulé. Vous n'avez pas à venir." in gone
    past = section(text, "Mes rendez-vous passés", "Qui contacter ?")
    assert "Vous êtes venu" in past
    upcoming = section(text, "Mes autres rendez-vous à venir", "Rendez-vous annulés ou déplacés")
    assert f"{new_day.capitalize()} à 16 h 45" in upcoming

    detail = page_text(
        person_browser.get(reverse("portal:appointment", args=[moved.pk]), HTTP_HOST=host(alpha))
    )
    assert "Ce rendez-vous est déplacé." in detail
    assert reverse("portal:appointment", args=[new.pk]) in detail
    assert reverse("portal:change_request", args=[moved.pk]) not in detail


# --- calendar files ------------------------------------------------------------------------------
def test_appointment_ics_has_the_plain_label_the_place_and_nothing_personal(
    alpha, person, person_browser
):
    starts_at = local_start(alpha, 3, 10, 30)
    appointment = book_at(alpha, person, starts_at, case_numbers="24/123456")
    url = reverse("portal:appointment_ics", args=[appointment.pk])
    response = person_browser.get(url, HTTP_HOST=host(alpha))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="rendez-vous.ics"'
    [event] = events(ics_of(response))
    assert str(event["summary"]) == "Rendez-vous avec votre conseiller"
    assert str(event["location"]) == f"SPIP d'Alpha - antenne centre, {ADDRESS}"
    assert event.decoded("dtstart") == starts_at
    assert event.decoded("dtend") == starts_at + timedelta(minutes=appointment.duration_minutes)
    assert str(event["uid"]) == f"rendez-vous-{appointment.pk}@alpha.localhost"
    assert str(event["status"]) == "CONFIRMED"
    for personal in (b"DURAND", b"Paul", b"24/123456", b"123456"):
        assert personal not in response.content
    again = events(ics_of(person_browser.get(url, HTTP_HOST=host(alpha))))[0]
    assert again["uid"] == event["uid"]


def test_feed_created_read_without_session_then_stopped(alpha, person, person_browser):
    upcoming = book_at(alpha, person, local_start(alpha, 3, 10, 30))
    cancelled = book_at(alpha, person, local_start(alpha, 4, 9))
    old = book_at(alpha, person, local_start(alpha, 5, 9))
    recent = book_at(alpha, person, local_start(alpha, 6, 9))
    move_to_past(alpha, old, 45)
    move_to_past(alpha, recent, 10)
    with tenant_context(alpha):
        change_state(cancelled.pk, EventKind.CANCELLED, acting_user=None)

    page = person_browser.get(reverse("portal:calendar"), HTTP_HOST=host(alpha))
    assert "Créer mon agenda privé" in page_text(page)
    response = person_browser.post(
        reverse("portal:calendar"), {"action": "create"}, HTTP_HOST=host(alpha)
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        feed = CalendarFeed.objects.get(person=person, revoked_at__isnull=True)
    feed_path = reverse("portal:calendar_feed", args=[feed.token])
    text = page_text(person_browser.get(reverse("portal:calendar"), HTTP_HOST=host(alpha)))
    assert f"webcal://alpha.localhost{feed_path}" in text
    assert f"http://alpha.localhost{feed_path}" in text
    assert str(person.pk) not in feed_path.replace(feed.token, "")

    anonymous = Client(HTTP_HOST=host(alpha))
    response = anonymous.get(feed_path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, max-age=300"
    by_uid = {str(e["uid"]): e for e in events(ics_of(response))}
    uid = "rendez-vous-{}@alpha.localhost".format
    assert set(by_uid) == {uid(upcoming.pk), uid(cancelled.pk), uid(recent.pk)}
    assert str(by_uid[uid(cancelled.pk)]["status"]) == "CANCELLED"
    assert str(by_uid[uid(upcoming.pk)]["status"]) == "CONFIRMED"
    assert b"DURAND" not in response.content
    with tenant_context(alpha):
        feed.refresh_from_db()
    first_read = feed.last_read_at
    assert first_read is not None
    anonymous.get(feed_path)
    with tenant_context(alpha):
        feed.refresh_from_db()
        assert feed.last_read_at == first_read  # at most once an hour
        CalendarFeed.objects.filter(pk=feed.pk).update(
            last_read_at=timezone.now() - timedelta(hours=2)
        )
    anonymous.get(feed_path)
    with tenant_context(alpha):
        feed.refresh_from_db()
    assert feed.last_read_at > first_read

    person_browser.post(reverse("portal:calendar"), {"action": "stop"}, HTTP_HOST=host(alpha))
    assert anonymous.get(feed_path).status_code == 404
    assert "Créer mon agenda privé" in page_text(
        person_browser.get(reverse("portal:calendar"), HTTP_HOST=host(alpha))
    )


def test_renewing_the_feed_kills_the_old_address(alpha, person, person_browser):
    person_browser.post(reverse("portal:calendar"), {"action": "create"}, HTTP_HOST=host(alpha))
    with tenant_context(alpha):
        old = service.live_feed(person)
    person_browser.post(reverse("portal:calendar"), {"action": "renew"}, HTTP_HOST=host(alpha))
    with tenant_context(alpha):
        new = service.live_feed(person)
        assert CalendarFeed.objects.filter(person=person).count() == 2
    assert new.token != old.token
    anonymous = Client(HTTP_HOST=host(alpha))
    assert anonymous.get(reverse("portal:calendar_feed", args=[old.token])).status_code == 404
    assert anonymous.get(reverse("portal:calendar_feed", args=[new.token])).status_code == 200
    assert anonymous.get(reverse("portal:calendar_feed", args=["inconnu"])).status_code == 404


def test_a_feed_token_is_worth_nothing_on_another_jurisdiction(alpha, beta, person):
    with tenant_context(alpha):
        feed = service.create_feed(person)
    path = reverse("portal:calendar_feed", args=[feed.token])
    assert Client(HTTP_HOST=host(alpha)).get(path).status_code == 200
    assert Client(HTTP_HOST=host(beta)).get(path).status_code == 404


# --- contacts ------------------------------------------------------------------------------------
def test_agent_direct_contact_is_shown_only_when_filled_in(alpha, person, person_browser, cpip):
    book_at(alpha, person, local_start(alpha, 3, 10, 30))
    with tenant_context(alpha):
        person.referent = cpip.user
        person.save(update_fields=["referent"])
    text = page_text(person_browser.get(reverse("portal:home"), HTTP_HOST=host(alpha)))
    contacts = section(text, "Qui contacter ?")
    assert "Votre conseiller : Hugo C." in contacts
    assert "Conseiller" not in contacts.replace("Votre conseiller", "")  # no full last name
    assert "Son téléphone" not in contacts
    assert "Son courriel" not in contacts
    assert "01 40 97 10 10" in contacts  # the service's phone, from the place
    assert "antenne@spip.example" in contacts

    Membership.objects.filter(user=cpip.user, jurisdiction=alpha).update(
        portal_phone="+33612121212", portal_email="hugo.c@justice.example"
    )
    response = person_browser.get(reverse("portal:home"), HTTP_HOST=host(alpha))
    contacts = section(words(response), "Qui contacter ?")
    assert "Son téléphone : 06 12 12 12 12" in contacts
    assert 'href="tel:+33612121212"' in response.content.decode()
    assert "Son courriel : hugo.c@justice.example" in contacts


def test_agent_fills_and_clears_the_direct_contact(alpha, cpip):
    url = reverse("portal_team:agent_contact")
    assert url == "/mon-profil/"
    page = page_text(cpip.get(url))
    assert "Mes coordonnées pour les personnes suivies" in page
    assert "ne s'affichent que si vous les remplissez" in page
    response = cpip.post(url, {"portal_phone": "01 40 97 10 11", "portal_email": "h@j.example"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=cpip.user, jurisdiction=alpha)
    assert (membership.portal_phone, membership.portal_email) == ("+33140971011", "h@j.example")
    assert "01 40 97 10 11" in page_text(cpip.get(url))

    response = cpip.post(url, {"portal_phone": "12", "portal_email": "pas-un-courriel"})
    assert response.status_code == 200
    assert "Ce numéro de téléphone" in page_text(response)
    membership.refresh_from_db()
    assert membership.portal_phone == "+33140971011"

    cpip.post(url, {"portal_phone": "", "portal_email": ""})
    membership.refresh_from_db()
    assert (membership.portal_phone, membership.portal_email) == ("", "")


def test_agent_contact_uses_the_jurisdiction_phone_region(beta):
    agent = agent_client(beta, Role.CPIP)
    agent.post("/mon-profil/", {"portal_phone": "0262 40 10 10", "portal_email": ""})
    membership = Membership.objects.get(user=agent.user, jurisdiction=beta)
    assert membership.portal_phone == "+262262401010"


def test_agent_contact_needs_a_member(alpha, beta, cpip):
    anonymous = Client(HTTP_HOST=host(alpha)).get("/mon-profil/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/comptes/login/")
    # alpha's session cookie replayed on beta's host is anonymous there (bound to its host) ...
    assert cpip.get("/mon-profil/", HTTP_HOST=host(beta)).status_code == 302
    # ... and the same agent signed in on beta's host is not a member there.
    on_beta = Client(HTTP_HOST=host(beta))
    sign_in(on_beta, cpip.user)
    assert on_beta.get("/mon-profil/").status_code == 403


# --- privacy -------------------------------------------------------------------------------------
def test_a_person_cannot_see_another_persons_appointment(
    alpha, beta, person, other_person, beta_person, person_browser
):
    zoe_place = place_of(alpha, name="Antenne de Zoé")
    zoe = book_at(alpha, other_person, local_start(alpha, 2, 11), place=zoe_place)
    with tenant_context(beta):
        beta_place = Place.objects.create(name="Antenne de Bêta")
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        beta_place.appointment_types.add(kind)
    jean = book_at(beta, beta_person, local_start(beta, 3, 11), place=beta_place)
    with tenant_context(alpha):
        assert not Appointment.objects.filter(person=person).exists()
    for pk in (zoe.pk, jean.pk, 999999):
        for name in ("portal:appointment", "portal:appointment_ics"):
            response = person_browser.get(reverse(name, args=[pk]), HTTP_HOST=host(alpha))
            assert response.status_code == 404, (name, pk)
            text = page_text(response)
            assert "Nous ne trouvons pas cette page" in text
            assert "Rien n'a été changé." in text
            assert "Zoé" not in text
            assert "BEGIN:VCALENDAR" not in text
    text = page_text(person_browser.get(reverse("portal:home"), HTTP_HOST=host(alpha)))
    assert "Antenne de Zoé" not in text
    assert "Vous n'avez pas de rendez-vous prévu pour le moment." in text
    with tenant_context(alpha):
        zoe.refresh_from_db()
        assert zoe.state == AppointmentState.BOOKED


def test_stopping_my_feed_leaves_another_persons_feed_alive(alpha, person, other_person):
    with tenant_context(alpha):
        theirs = service.create_feed(other_person)
    browser = person_client(alpha, person)
    browser.post(reverse("portal:calendar"), {"action": "create"}, HTTP_HOST=host(alpha))
    browser.post(reverse("portal:calendar"), {"action": "stop"}, HTTP_HOST=host(alpha))
    with tenant_context(alpha):
        theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_an_idle_session_is_sent_to_sign_in(alpha, person):
    client = person_client(alpha, person, idle_seconds=31 * 60)
    response = client.get(reverse("portal:home"), HTTP_HOST=host(alpha))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign_in")
    [message] = list(get_messages(response.wsgi_request))
    assert "30 minutes" in str(message)
    assert client.get(reverse("portal:calendar"), HTTP_HOST=host(alpha)).status_code == 302


def test_pages_read_without_a_session_are_refused(alpha, person):
    appointment = book_at(alpha, person, local_start(alpha, 3, 10))
    anonymous = Client(HTTP_HOST=host(alpha))
    for url in (
        reverse("portal:home"),
        reverse("portal:appointment", args=[appointment.pk]),
        reverse("portal:appointment_ics", args=[appointment.pk]),
        reverse("portal:calendar"),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("portal:sign_in")
