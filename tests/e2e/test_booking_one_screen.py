"""Booking on one screen (issue 17, point 2): from a person page to a booked appointment in at
most four clicks, with JavaScript (the page's parts are swapped in place) and without it (one
GET form, the page comes back narrowed). Each click or choice in a list counts as one. The `page`
fixture fails a test on any console error of the browser."""

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment, Slot
from tenants.constants import Role
from tests.dates import open_day_at
from tests.e2e.axe import assert_accessible
from tests.e2e.signing import sign_in_through_pages
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

MAX_CLICKS = 4


class Clicks:
    """Counts what the agent does with the mouse: a click, or a choice in a list."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def choose(self, locator, **option):
        self.count += 1
        locator.select_option(**option)


def _world(alpha, *, places=1):
    bex = MembershipFactory(jurisdiction=alpha, role=Role.BEX).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="sortie-audience-spip")
        slots = []
        for number in range(places):
            place = Place.objects.create(name=f"Antenne {number + 1} de Nanterre")
            place.appointment_types.add(kind)
            agenda = Agenda.objects.create(place=place, name="Équipe 1")
            slots.append(
                Slot.objects.create(
                    agenda=agenda,
                    appointment_type=kind,
                    starts_at=open_day_at(alpha, 10, days_ahead=3),
                )
            )
        person = Person.objects.create(
            last_name="FONTAINE",
            first_names="Maëlle",
            birth_date="1991-02-03",
            phone="+33611002200",
            city="NANTERRE",
        )
    return bex, kind, slots, person


def _book_from_person_page(page, base, bex, kind, slot, person, *, check_axe=True):
    sign_in_through_pages(page, base + "/", bex)
    page.goto(f"{base}/personnes/{person.pk}/")
    clicks = Clicks()
    clicks.click(page.get_by_role("link", name="Convoquer", exact=True))
    expect(page.locator("h1")).to_contain_text("Convoquer")
    if check_axe:
        assert_accessible(page, context="booking page, no choice yet")
    clicks.click(page.get_by_role("button", name=kind.label, exact=True))
    slot_label = page.locator(f"label[for=creneau-{slot.pk}]")
    expect(slot_label).to_be_visible()
    expect(page.get_by_label("2. Lieu")).to_have_value(str(slot.agenda.place_id))
    if check_axe:
        assert_accessible(page, context="booking page, slots shown")
    clicks.click(slot_label)
    page.get_by_label("Numéros de parquet").fill("26001234567")  # typed, not a click
    clicks.click(page.get_by_role("button", name="Convoquer", exact=True))
    expect(page.locator(".fr-alert--success")).to_contain_text("FONTAINE Maëlle")
    return clicks.count


def _assert_booked(alpha, person, slot, bex):
    with tenant_context(alpha):
        appointment = Appointment.objects.get(person=person)
        assert appointment.slot_id == slot.pk and appointment.booked_by_id == bex.pk
        assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_booking_from_a_person_page_in_four_clicks_with_javascript(page, live_url, committed_db):
    alpha = committed_db["alpha"]
    bex, kind, (slot,), person = _world(alpha)
    base = live_url.format(host="alpha.localhost")
    clicks = _book_from_person_page(page, base, bex, kind, slot, person)
    assert clicks <= MAX_CLICKS, clicks
    _assert_booked(alpha, person, slot, bex)


def test_booking_from_a_person_page_in_four_clicks_without_javascript(
    browser, live_url, committed_db
):
    alpha = committed_db["alpha"]
    bex, kind, (slot,), person = _world(alpha)
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        base = live_url.format(host="alpha.localhost")
        # axe needs scripts: the same markup is checked by the test with JavaScript
        clicks = _book_from_person_page(page, base, bex, kind, slot, person, check_axe=False)
    finally:
        context.close()
    assert clicks <= MAX_CLICKS, clicks
    _assert_booked(alpha, person, slot, bex)


def test_choices_narrow_in_place_and_the_navigation_keeps_them(page, live_url, committed_db):
    """Several places: choosing one swaps in its only agenda and its slots without reloading
    the page; "Créneaux suivants" then "précédents" keep type, place and agenda."""
    alpha = committed_db["alpha"]
    bex, kind, slots, person = _world(alpha, places=2)
    base = live_url.format(host="alpha.localhost")
    sign_in_through_pages(page, base + "/", bex)
    page.goto(f"{base}/convocations/nouvelle/?personne={person.pk}")
    page.evaluate("window.__sameDocument = true")  # lost if the page were loaded again
    clicks = Clicks()
    # a quick type button, then the place chosen at once (before the answer may be back)
    clicks.click(page.get_by_role("button", name=kind.label, exact=True))
    expect(page.get_by_label("2. Lieu")).to_have_value("")  # two places: the agent chooses
    clicks.choose(page.get_by_label("2. Lieu"), label="Antenne 2 de Nanterre")
    expect(page.get_by_label("3. Agenda")).to_have_value(str(slots[1].agenda_id))
    slot_label = page.locator(f"label[for=creneau-{slots[1].pk}]")
    expect(slot_label).to_be_visible()
    assert_accessible(page, context="booking page after choosing the place")
    page.get_by_role("link", name="Créneaux suivants").click()
    expect(slot_label).to_have_count(0)
    expect(page.get_by_label("3. Agenda")).to_have_value(str(slots[1].agenda_id))
    page.get_by_role("link", name="Créneaux précédents").first.click()
    clicks.click(slot_label)
    page.get_by_label("Numéros de parquet").fill("26001234567")
    assert page.evaluate("window.__sameDocument === true")
    assert "fragment" not in page.url and f"lieu={slots[1].agenda.place_id}" in page.url
    clicks.click(page.get_by_role("button", name="Convoquer", exact=True))
    expect(page.locator(".fr-alert--success")).to_contain_text("FONTAINE Maëlle")
    _assert_booked(alpha, person, slots[1], bex)
    assert clicks.count == 4  # type, place, slot, Convoquer (the person page's link: a fifth)


def test_booking_from_a_free_slot_of_the_day_view(page, live_url, committed_db):
    """The day view's free slot → the person searched by a posted form (never in the URL) →
    the booking page with that slot chosen → "Convoquer"."""
    alpha = committed_db["alpha"]
    bex, _kind, (slot,), person = _world(alpha)
    base = live_url.format(host="alpha.localhost")
    sign_in_through_pages(page, base + "/", bex)
    day = slot.starts_at.date().isoformat()  # open_day_at: the jurisdiction's wall clock
    page.goto(f"{base}/agenda/?date={day}")
    assert_accessible(page, context="day view with free slots")
    page.locator("#creneaux-libres").get_by_role("link", name="Convoquer").click()
    expect(page.get_by_label("Nom, téléphone portable ou numéro APPI")).to_be_visible()
    assert_accessible(page, context="booking page asking for the person")
    page.get_by_label("Nom, téléphone portable ou numéro APPI").fill("06 11 00 22 00")
    page.get_by_role("button", name="Rechercher").click()
    assert "06" not in page.url and "FONTAINE" not in page.url
    page.get_by_role("link", name="FONTAINE Maëlle").click()
    expect(page.locator(f"#creneau-{slot.pk}")).to_be_checked()
    page.get_by_label("Numéros de parquet").fill("26001234567")
    page.get_by_role("button", name="Convoquer", exact=True).click()
    expect(page.locator(".fr-alert--success")).to_contain_text("FONTAINE Maëlle")
    _assert_booked(alpha, person, slot, bex)
