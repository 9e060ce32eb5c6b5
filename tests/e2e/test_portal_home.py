"""Browser journey of the portal's home: the next appointment, its calendar file, the private feed,
the portal's 404 and the agent's contact page; axe-core on each page, a small phone screen, and
reading without JavaScript."""

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django_tenants.utils import tenant_context
from icalendar import Calendar
from playwright.sync_api import expect

from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.scheduling.services import BookingRequest, book
from tenants.constants import Role
from tests.dates import open_day_at
from tests.e2e.axe import assert_accessible
from tests.e2e.portal import open_portal_session
from tests.e2e.test_backoffice_journeys import sign_in
from tests.factories import MembershipFactory
from tests.portal.helpers import make_mobile_person

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(committed_db):
    alpha = committed_db["alpha"]
    cpip = MembershipFactory(
        jurisdiction=alpha, role=Role.CPIP, user__first_name="Hugo", user__last_name="Conseiller"
    ).user
    person = make_mobile_person(alpha, last_name="DURAND", first_names="Paul", referent=cpip)
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place = Place.objects.create(
            name="SPIP d'Alpha — antenne centre",
            address="12 rue des Lilas",
            postcode="92000",
            city="NANTERRE",
            phone="01 40 97 10 10",
        )
        place.appointment_types.add(kind)
        appointment = book(
            BookingRequest(
                person=person,
                appointment_type=kind,
                place=place,
                starts_at=open_day_at(alpha, 10, 30, days_ahead=3),
            ),
            acting_user=cpip,
        )
    return {"alpha": alpha, "person": person, "cpip": cpip, "appointment": appointment}


def test_a_person_reads_the_next_appointment_and_adds_it_to_the_phone(page, live_url, world):
    alpha, person, appointment = world["alpha"], world["person"], world["appointment"]
    base = open_portal_session(page, live_url, alpha, person)

    page.goto(base + "/mon-espace/")
    expect(page.locator("h1")).to_have_text("Mes rendez-vous")
    card = page.locator(".portal-card").first
    expect(card).to_contain_text("à 10 h 30")
    expect(card).to_contain_text("Rendez-vous avec votre conseiller")
    expect(card).to_contain_text("12 rue des Lilas, 92000 NANTERRE")
    expect(page.get_by_text("Votre conseiller : Hugo C.")).to_be_visible()
    assert_accessible(page, context="portal home")

    with page.expect_download() as download_info:
        card.get_by_role("link", name="Ajouter à mon agenda").click()
    download = download_info.value
    assert download.suggested_filename == "rendez-vous.ics"
    with open(download.path(), "rb") as downloaded:
        [event] = Calendar.from_ical(downloaded.read()).walk("VEVENT")
    assert str(event["summary"]) == "Rendez-vous avec votre conseiller"
    assert event.decoded("dtstart") == appointment.starts_at

    card.get_by_role("link", name="Voir le détail").click()
    expect(page).to_have_url(base + f"/mon-espace/rendez-vous/{appointment.pk}/")
    expect(page.get_by_text("pièce d'identité")).to_be_visible()
    assert_accessible(page, context="appointment detail")

    page.get_by_role("link", name="Mon agenda", exact=True).click()
    expect(page.locator("h1")).to_have_text("Mon agenda")
    assert_accessible(page, context="calendar page without a feed")
    page.get_by_role("button", name="Créer mon agenda privé").click()
    expect(page.get_by_role("link", name="Ajouter à mon téléphone")).to_have_attribute(
        "href", re.compile(r"^webcal://alpha\.localhost:\d+/mon-espace/agenda/[\w-]+\.ics$")
    )
    assert_accessible(page, context="calendar page with a feed")
    feed_url = page.locator(".portal-url code").inner_text()
    status, body = fetch_without_session(feed_url)  # the token is the key
    assert status == 200
    assert b"Rendez-vous avec votre conseiller" in body
    assert b"DURAND" not in body
    page.get_by_role("button", name="Arrêter mon agenda privé").click()
    expect(page.get_by_role("button", name="Créer mon agenda privé")).to_be_visible()
    assert fetch_without_session(feed_url)[0] == 404

    page.goto(base + "/mon-espace/rendez-vous/999999/")
    expect(page.locator("h1")).to_have_text("Nous ne trouvons pas cette page")
    assert_accessible(page, context="portal 404")


def fetch_without_session(url: str) -> tuple[int, bytes]:
    """GET with no cookie, as a calendar app does (*.localhost resolved by hand)."""
    parts = urllib.parse.urlsplit(url)
    direct = parts._replace(netloc=f"127.0.0.1:{parts.port}").geturl()
    request = urllib.request.Request(direct, headers={"Host": parts.netloc})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_agent_chooses_a_direct_contact(page, live_url, world):
    base = live_url.format(host="alpha.localhost")
    sign_in(page, base, world["cpip"])
    page.goto(base + "/mon-profil/")
    expect(page.locator("h1")).to_have_text("Mes coordonnées pour les personnes suivies")
    assert_accessible(page, context="agent contact page")
    page.get_by_label("Mon téléphone direct").fill("12")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Ce numéro de téléphone")).to_be_visible()
    assert_accessible(page, context="agent contact page with an error")
    page.get_by_label("Mon téléphone direct").fill("06 12 12 12 12")
    page.get_by_role("button", name="Enregistrer").click()
    saved = "Les personnes que vous suivez voient ces coordonnées."
    expect(page.get_by_text(saved)).to_be_visible()
    expect(page.get_by_label("Mon téléphone direct")).to_have_value("06 12 12 12 12")


def test_home_on_a_small_phone_and_without_javascript(browser, live_url, world):
    alpha, person = world["alpha"], world["person"]
    for options in ({"viewport": {"width": 360, "height": 740}}, {"java_script_enabled": False}):
        context = browser.new_context(locale="fr-FR", **options)
        try:
            page = context.new_page()
            base = open_portal_session(page, live_url, alpha, person)
            page.goto(base + "/mon-espace/")
            expect(page.locator(".portal-card").first).to_contain_text("à 10 h 30")
            expect(page.get_by_role("link", name="Ajouter à mon agenda")).to_be_visible()
            if "viewport" in options:
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 360, f"the home scrolls sideways on a small phone ({width} px)"
                assert_accessible(page, context="portal home on a small phone")
                page.goto(base + "/mon-espace/agenda/")
                page.get_by_role("button", name="Créer mon agenda privé").click()
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 360, f"the calendar page scrolls sideways ({width} px)"
        finally:
            context.close()
