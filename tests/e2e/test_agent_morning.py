"""An agent's morning from the home (issue 17, point 1): sign in, land on the day, record two
outcomes with one click each, search a person and book them, reschedule a missed appointment.

The day's appointments are placed between the jurisdiction's local midnight and now (so they are
today and already past at any hour); the bookings go to open days ahead (tests/dates.py).
"""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment
from tenants.constants import Role
from tests.dates import at, local_now, open_day
from tests.e2e.axe import assert_accessible
from tests.e2e.signing import sign_in_through_pages
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

# What the journey measures: clicks (a link, a button, a choice in a list) from the home to a
# booked appointment, typing left out. The stepped booking page asked for the type and then the
# place: 5 clicks (Rechercher, Convoquer, type, place, Convoquer). On the one-screen page a person
# already followed starts with the type, place and agenda of their last appointment: 3 clicks.
MAX_CLICKS_FROM_THE_SEARCH_BOX = 4


def _wait_past_local_midnight_if_close(jurisdiction) -> None:
    """The journey takes well under a minute: started in the last two minutes of the local day,
    it would cross midnight with "today's" appointments; it waits for the new day instead."""
    now = local_now(jurisdiction)
    midnight = at(jurisdiction, now.date() + timedelta(days=1), 0)
    left = (midnight - now).total_seconds()
    if left < 120:
        time.sleep(left + 2)


def _person(last_name, first_names, phone):
    return Person.objects.create(
        last_name=last_name,
        first_names=first_names,
        birth_date="1987-05-06",
        phone=phone,
        city="NANTERRE",
    )


def test_an_agents_morning_from_the_home(page, live_url, committed_db):
    alpha = committed_db["alpha"]
    _wait_past_local_midnight_if_close(alpha)
    cpip = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place = Place.objects.create(name="Antenne de Nanterre")
        place.appointment_types.add(kind)
        team = Agenda.objects.create(place=place, name="Équipe 1")
        now = local_now(alpha)
        midnight = at(alpha, now.date(), 0)
        elapsed = now - midnight
        came, missed = (
            Appointment.objects.create(
                person=_person(name, "Léa", phone),
                appointment_type=kind,
                place=place,
                agenda=team,
                starts_at=midnight + elapsed * share,
                assigned_agent=cpip,
            )
            for name, phone, share in (
                ("PREMIER", "+33611000001", 0.3),
                ("SECOND", "+33611000002", 0.6),
            )
        )
        wanted = _person("LEFÈVRE", "Hélène", "+33612345678")
    base = live_url.format(host="alpha.localhost")

    # Signing in lands on the day.
    sign_in_through_pages(page, base + "/", cpip)
    expect(page).to_have_url(base + "/tableau-de-bord/")
    expect(page.locator("h1")).to_contain_text("Ma journée du")
    expect(page.locator("main")).to_contain_text("Rôle : conseiller pénitentiaire")
    expect(page.locator("#a-traiter")).to_contain_text("Aucune absence à rappeler")
    assert_accessible(page, context="agent home")

    # Two outcomes, one click each, back on the home.
    page.get_by_role("button", name="Honoré : PREMIER Léa").click()
    expect(page).to_have_url(base + "/tableau-de-bord/")
    expect(page.locator(".fr-alert--success")).to_contain_text("PREMIER Léa : marqué honoré.")
    page.get_by_role("button", name="Manqué : SECOND Léa").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("SECOND Léa : marqué manqué.")
    expect(page.locator("#a-traiter")).to_contain_text("1 absence à rappeler")
    with tenant_context(alpha):
        assert Appointment.objects.get(pk=came.pk).state == AppointmentState.FULFILLED
        assert Appointment.objects.get(pk=missed.pk).state == AppointmentState.NO_SHOW

    # Search (a phone written as people say it) and book, counting the clicks from the home.
    # Hélène is followed already: her last appointment, a month ago, was of the same kind.
    with tenant_context(alpha):
        Appointment.objects.create(
            person=wanted,
            appointment_type=kind,
            place=place,
            agenda=team,
            starts_at=midnight - timedelta(days=30),
            assigned_agent=cpip,
            state=AppointmentState.FULFILLED,
        )
    clicks = 0
    page.get_by_label("Nom, téléphone ou numéro APPI").fill("06 12 34 56 78")
    page.get_by_role("button", name="Rechercher").click()
    clicks += 1
    expect(page.locator("#resultats")).to_contain_text("1 personne correspond")
    assert "06" not in page.url and "LEF" not in page.url  # sent by POST: nothing in the URL
    assert_accessible(page, context="agent home, search results")
    page.get_by_role("link", name="Convoquer LEFÈVRE Hélène").click()
    clicks += 1
    expect(page).to_have_url(f"{base}/convocations/nouvelle/?personne={wanted.pk}")
    expect(page.get_by_label("1. Type de rendez-vous")).to_have_value(str(kind.pk))
    expect(page.get_by_label("2. Lieu")).to_have_value(str(place.pk))
    assert_accessible(page, context="booking page opened from the home's search")
    day = open_day(alpha, 3)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Heure").fill("10:30")
    page.get_by_role("button", name="Convoquer").click()
    clicks += 1
    expect(page.locator(".fr-alert--success")).to_contain_text("LEFÈVRE Hélène")
    with tenant_context(alpha):
        booked = Appointment.objects.get(person=wanted, starts_at__gt=midnight)
    assert timezone.localtime(booked.starts_at, alpha.zone).date() == day
    assert clicks <= MAX_CLICKS_FROM_THE_SEARCH_BOX, clicks
    assert clicks == 3  # Rechercher, Convoquer (the result), Convoquer (the form)

    # Back home, reschedule the missed appointment from the day's list.
    page.goto(base + "/tableau-de-bord/")
    page.get_by_role("link", name=re.compile(r"^Rendez-vous de \d\d:\d\d : SECOND Léa$")).click()
    expect(page).to_have_url(f"{base}/convocations/{missed.pk}/")
    page.get_by_role("link", name="Reporter").click()
    page.get_by_label("2. Lieu").select_option(label="Antenne de Nanterre")
    later = open_day(alpha, 4)
    page.get_by_label("Date").fill(later.isoformat())
    page.get_by_label("Heure").fill("14:30")
    page.get_by_role("button", name="Reporter le rendez-vous").click()
    expect(page.locator("main")).to_contain_text("Remplace")
    with tenant_context(alpha):
        replacement = Appointment.objects.get(replaces=missed)
    assert timezone.localtime(replacement.starts_at, alpha.zone).date() == later

    page.goto(base + "/tableau-de-bord/")
    expect(page.locator("#a-traiter")).to_contain_text("Aucune absence à rappeler")


def test_a_local_admin_sees_the_jurisdictions_health_on_the_home(page, live_url, committed_db):
    alpha = committed_db["alpha"]
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    base = live_url.format(host="alpha.localhost")
    sign_in_through_pages(page, base + "/", admin)
    expect(page).to_have_url(base + "/tableau-de-bord/")
    expect(page.locator("#sante")).to_contain_text("Aucun SMS en échec sur les 7 derniers jours")
    expect(page.locator("main")).to_contain_text("Rôle : administrateur local")
    # Nothing of the day to show: the page says so, with the choice of another display.
    expect(page.locator("main")).to_contain_text("Aucun rendez-vous aujourd'hui")
    assert_accessible(page, context="agent home of a local admin")
