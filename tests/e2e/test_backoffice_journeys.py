"""Browser journeys of the agents' back-office (Playwright + Debian chromium)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState, Weekday
from jurisdiction_apps.scheduling.models import Appointment, Slot
from jurisdiction_apps.scheduling.services import BookingRequest, book
from tenants.constants import Role
from tests.dates import open_day, open_day_at
from tests.e2e.booking import choose, pick_slot
from tests.e2e.signing import sign_in_through_pages
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e


def sign_in(page, base, user):
    sign_in_through_pages(page, base + "/", user)
    expect(page).to_have_url(base + "/tableau-de-bord/")


def test_bex_registers_a_person_and_books_a_sortie_d_audience_spip(page, live_url, committed_db):
    alpha = committed_db["alpha"]
    bex = MembershipFactory(jurisdiction=alpha, role=Role.BEX).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="sortie-audience-spip")
        place = Place.objects.create(name="Antenne de Nanterre")
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Équipe 1")
        starts_at = open_day_at(alpha, 10, days_ahead=3)
        slot = Slot.objects.create(agenda=agenda, appointment_type=kind, starts_at=starts_at)
    base = live_url.format(host="alpha.localhost")
    sign_in(page, base, bex)

    page.get_by_role("link", name="Personnes suivies").first.click()
    page.get_by_role("link", name="Enregistrer une personne").click()
    page.get_by_label("Nom", exact=True).fill("dupont-moreau")
    page.get_by_label("Prénoms").fill("jean-pierre")
    page.get_by_label("Date de naissance").fill("1988-03-14")
    page.get_by_label("Téléphone portable").first.fill("06 12 34 56 78")
    page.get_by_role("textbox", name="Commune de résidence").fill("Nanterre")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("h1")).to_have_text("DUPONT-MOREAU Jean-Pierre")

    page.get_by_role("link", name="Convoquer").click()
    choose(page, kind="Sortie d'audience SPIP", place="Antenne de Nanterre", agenda="Équipe 1")
    pick_slot(page, slot)
    page.get_by_label("Numéros de parquet").fill("26001234567")
    page.get_by_role("button", name="Convoquer").click()

    expect(page.locator(".fr-alert--success")).to_contain_text("DUPONT-MOREAU Jean-Pierre")
    expect(page.locator("h1")).to_have_text("Sortie d'audience SPIP")
    with tenant_context(alpha):
        person = Person.objects.get(last_name="DUPONT-MOREAU")
        assert person.phone == "+33612345678"
        appointment = Appointment.objects.get(person=person)
        assert appointment.slot_id == slot.pk and appointment.booked_by_id == bex.pk
        assert Slot.objects.get(pk=slot.pk).booked_count == 1


def test_cpip_marks_a_past_appointment_missed_then_reschedules_it(page, live_url, committed_db):
    alpha = committed_db["alpha"]
    cpip = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place = Place.objects.create(name="Antenne de Boulogne")
        place.appointment_types.add(kind)
        person = Person.objects.create(
            last_name="LEROY",
            first_names="Samia",
            birth_date="1979-09-09",
            phone="+33698765432",
            city="X",
        )
        past = book(
            BookingRequest(
                person=person,
                appointment_type=kind,
                place=place,
                starts_at=open_day_at(alpha, 10),
                assigned_agent=cpip,
            ),
            acting_user=cpip,
        )
        Appointment.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(days=2))
    base = live_url.format(host="alpha.localhost")
    sign_in(page, base, cpip)

    page.get_by_role("link", name="À renseigner", exact=True).click()  # the home counts them too
    page.get_by_role("button", name="Absence : LEROY Samia").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("LEROY Samia")

    page.get_by_role("link", name="Absences").click()
    row = page.locator("tr", has_text="LEROY Samia")
    expect(row.get_by_role("link", name="06 98 76 54 32")).to_be_visible()
    expect(row.get_by_role("link", name="06 98 76 54 32")).to_have_attribute(
        "href", "tel:+33698765432"
    )
    row.get_by_role("link", name="Reporter").click()
    page.get_by_label("2. Lieu").select_option(label="Antenne de Boulogne")
    day = open_day(alpha, 5)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Heure").fill("14:30")
    page.get_by_role("button", name="Reporter le rendez-vous").click()

    expect(page.locator("main")).to_contain_text("Remplace")
    with tenant_context(alpha):
        past.refresh_from_db()
        assert past.state == AppointmentState.NO_SHOW
        new = past.replaced_by
        assert timezone.localtime(new.starts_at, alpha.zone).time() == time(14, 30)
    page.get_by_role("link", name="Absences").click()
    expect(page.locator("main")).not_to_contain_text("LEROY Samia")


def test_local_admin_creates_a_slot_template_and_sees_the_slots(page, live_url, committed_db):
    alpha = committed_db["alpha"]
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="action-collective")
        place = Place.objects.create(
            name="Antenne de Colombes", address="3 rue Exemple", postcode="92700", city="COLOMBES"
        )
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Ateliers")
    # The weekday of an open day ahead: its slot is in the future and in the list's first two
    # weeks (a Thursday slot may be past today, and the next Thursday a public holiday).
    weekday = Weekday(open_day(alpha, 2).weekday())
    base = live_url.format(host="alpha.localhost")
    sign_in(page, base, admin)

    page.get_by_role("button", name="Pilotage").click()
    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("link", name="Modèles de créneaux").click()
    page.get_by_role("link", name="Ajouter un modèle").click()
    page.get_by_label("Agenda", exact=True).select_option(label=str(agenda))
    page.get_by_label("Type de rendez-vous").select_option(label="Action collective")
    page.get_by_label("Jour de la semaine").select_option(label=weekday.label)
    page.get_by_label("Heure de début").fill("10:00")
    page.get_by_label("Durée (minutes)").fill("120")
    page.get_by_label("Nombre de places").fill("8")
    page.get_by_role("button", name="Enregistrer et créer les créneaux").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("créneaux créés")

    page.get_by_role("link", name="Créneaux", exact=True).click()
    page.get_by_label("Agenda", exact=True).select_option(label=str(agenda))
    page.get_by_role("button", name="Afficher").click()
    rows = page.locator("tbody tr", has_text="10:00")
    expect(rows.first).to_contain_text(weekday.label.lower())
    with tenant_context(alpha):
        slots = list(Slot.objects.filter(agenda=agenda))
    assert slots and all(s.capacity == 8 for s in slots)
    local = [timezone.localtime(s.starts_at, alpha.zone) for s in slots]
    assert {t.weekday() for t in local} == {weekday} and {t.time() for t in local} == {time(10)}
    assert rows.count() >= 1
