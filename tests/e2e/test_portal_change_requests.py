"""Browser journey of change requests: on a 360 px screen the person asks for another time on an
appointment; an agent reschedules it from the worklist; the person reads the new time. Axe runs
on the form, the person's requests, the worklist and the request page. The form also works with
JavaScript turned off."""

import re

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.notifications.constants import MessageKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.constants import ChangeRequestState
from jurisdiction_apps.portal.models import ChangeRequest
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment, Slot
from jurisdiction_apps.scheduling.services import BookingRequest, book
from tenants.constants import Role
from tests.dates import at, open_day
from tests.e2e.axe import assert_accessible
from tests.e2e.portal import open_portal_session
from tests.e2e.test_backoffice_journeys import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

PHONE_SCREEN = {"width": 360, "height": 740}
REASON = "Je commence un nouveau travail ce jour-là."


@pytest.fixture
def world(committed_db):
    alpha = committed_db["alpha"]
    cpip = MembershipFactory(
        jurisdiction=alpha, role=Role.CPIP, user__first_name="Hugo", user__last_name="Conseiller"
    ).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="premiere-convocation-spip")
        place = Place.objects.create(name="Antenne de Nanterre", city="NANTERRE")
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Équipe 1")
        first_day = open_day(alpha, 4)
        slot = Slot.objects.create(
            agenda=agenda,
            appointment_type=kind,
            starts_at=at(alpha, first_day, 10),
        )
        later_day = open_day(alpha, 3, after=first_day)
        other_slot = Slot.objects.create(
            agenda=agenda,
            appointment_type=kind,
            starts_at=at(alpha, later_day, 14, 30),
        )
        person = Person.objects.create(
            last_name="MARCHAND",
            first_names="Inès",
            birth_date="1993-05-06",
            phone="+33611223344",
            city="NANTERRE",
        )
        appointment = book(
            BookingRequest(
                person=person,
                appointment_type=kind,
                place=place,
                agenda=agenda,
                slot_id=slot.pk,
                case_numbers="26001234567",
                assigned_agent=cpip,
            ),
            acting_user=cpip,
        )
    return {
        "alpha": alpha,
        "cpip": cpip,
        "person": person,
        "appointment": appointment,
        "other_slot": other_slot,
    }


def test_a_person_asks_for_another_time_and_an_agent_reschedules_it(browser, live_url, world):
    alpha = world["alpha"]
    person_context = browser.new_context(locale="fr-FR", viewport=PHONE_SCREEN)
    page = person_context.new_page()
    page.set_default_timeout(15_000)
    base = open_portal_session(page, live_url, alpha, world["person"])

    page.goto(f"{base}/mon-espace/rendez-vous/{world['appointment'].pk}/changer/")
    expect(page.locator("h1")).to_have_text("Changer un rendez-vous")
    expect(page.locator("main")).to_contain_text("Antenne de Nanterre")
    expect(page.locator("main")).to_contain_text("PDF, JPEG ou PNG, 10 Mo au plus")
    assert_accessible(page, context="change request form, 360 px")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]

    page.get_by_role("button", name="Envoyer ma demande").click()  # nothing chosen yet
    expect(page.locator("main")).to_contain_text("Choisissez une réponse.")
    assert_accessible(page, context="change request form with errors")
    page.get_by_text("J'ai besoin d'un autre horaire").click()  # DSFR: the label covers it
    page.get_by_label(re.compile("Pourquoi")).fill(REASON)
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page).to_have_url(base + "/mon-espace/demandes/")
    expect(page.locator("main")).to_contain_text(
        "Votre demande est envoyée. Votre équipe vous répondra."
    )
    expect(page.locator("#demandes")).to_contain_text("Votre équipe n'a pas encore répondu.")
    assert_accessible(page, context="the person's requests")

    agent_context = browser.new_context(locale="fr-FR")
    agent = agent_context.new_page()
    agent.set_default_timeout(15_000)
    sign_in(agent, base, world["cpip"])
    agent.get_by_role("link", name=re.compile("^Demandes")).click()
    expect(agent.locator("h1")).to_have_text("Demandes de changement")
    assert_accessible(agent, context="worklist")
    agent.get_by_role("link", name=re.compile("MARCHAND Inès")).click()
    expect(agent.locator("main")).to_contain_text(REASON)
    assert_accessible(agent, context="request detail")
    agent.locator(f"label[for=creneau-{world['other_slot'].pk}]").click()
    agent.get_by_label(re.compile("Message à la personne")).nth(1).fill("À bientôt.")
    agent.get_by_role("button", name="Déplacer le rendez-vous").click()
    expect(agent.locator(".fr-alert--success")).to_contain_text("MARCHAND Inès")
    expect(agent.locator("#demandes")).to_contain_text("Aucune demande à traiter.")
    agent_context.close()

    with tenant_context(alpha):
        change_request = ChangeRequest.objects.get()
        assert change_request.state == ChangeRequestState.RESCHEDULED
        assert change_request.handled_by_id == world["cpip"].pk
        new = Appointment.objects.get(pk=change_request.new_appointment_id)
        assert new.slot_id == world["other_slot"].pk and new.state == AppointmentState.BOOKED
        old = Appointment.objects.get(pk=world["appointment"].pk)
        assert old.state == AppointmentState.CANCELLED
        assert Message.objects.filter(kind=MessageKind.RESCHEDULE, appointment=new).exists()

    page.reload()
    expect(page.locator("#demandes")).to_contain_text("Votre nouveau rendez-vous")
    expect(page.locator("#demandes")).to_contain_text("14h30")
    expect(page.locator("#demandes")).to_contain_text("À bientôt.")
    person_context.close()


def test_the_change_form_works_without_javascript(browser, live_url, world, tmp_path):
    context = browser.new_context(locale="fr-FR", viewport=PHONE_SCREEN, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = open_portal_session(page, live_url, world["alpha"], world["person"])
    proof = tmp_path / "contrat.pdf"
    proof.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

    page.goto(f"{base}/mon-espace/rendez-vous/{world['appointment'].pk}/changer/")
    page.get_by_text("Je ne peux pas venir").click()
    page.get_by_label(re.compile("Pourquoi")).fill(REASON)
    page.get_by_label(re.compile("justificatif")).set_input_files(str(proof))
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.locator("main")).to_contain_text("Votre demande est envoyée.")
    expect(page.locator("#demandes")).to_contain_text("Justificatif envoyé : contrat.pdf")
    context.close()
    with tenant_context(world["alpha"]):
        assert ChangeRequest.objects.get().attachment.original_name == "contrat.pdf"
