"""Browser journeys of the portal (issue 6): a person signs in with the code read from the local
SMS gateway, sees the next appointment, downloads its .ics, sends a message with a PDF proof and
asks to change an appointment; an agent reschedules it from the worklist; the person sees the new
time and receives the SMS. A second journey is done with the keyboard only."""

import re
import time as clock

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.models import ChangeRequest, PortalMessage
from jurisdiction_apps.scheduling.constants import AppointmentState, NotifyMode
from jurisdiction_apps.scheduling.models import Appointment, Slot
from jurisdiction_apps.scheduling.services import BookingRequest, book
from tenants.constants import Role
from tests.dates import at, open_day
from tests.e2e.axe import assert_accessible
from tests.e2e.test_backoffice_journeys import sign_in
from tests.e2e.test_sms_journey import awake_alpha, receipts_gateway  # noqa: F401
from tests.factories import MembershipFactory
from tests.portal.helpers import clear_rate_limits

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _no_rate_limits_left_over():
    clear_rate_limits()


def wait_for_sms(gateway, number: str, containing: str = "", timeout: float = 20) -> dict:
    """The latest SMS to ``number`` whose text contains ``containing``."""
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        received = [
            m
            for m in gateway.messages()
            if m["destination"].lstrip("+") == number and containing in m["text"]
        ]
        if received:
            return max(received, key=lambda m: m["received_at"])
        clock.sleep(0.2)
    raise AssertionError(f"no SMS for {number} with {containing!r}: {gateway.messages()}")


def code_in(sms: dict) -> str:
    return re.search(r"\b(\d{6})\b", sms["text"]).group(1)


@pytest.fixture
def world(awake_alpha):  # noqa: F811
    alpha = awake_alpha
    cpip = MembershipFactory(
        jurisdiction=alpha,
        role=Role.CPIP,
        user__first_name="Hugo",
        user__last_name="Conseiller",
    ).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="premiere-convocation-spip")
        place = Place.objects.create(
            name="Antenne de Nanterre",
            address="12 rue des Lilas",
            postcode="92000",
            city="NANTERRE",
            phone="+33147290000",
        )
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Équipe 1")
        first_day = open_day(alpha, 4)
        starts_at = at(alpha, first_day, 10)
        slot = Slot.objects.create(agenda=agenda, appointment_type=kind, starts_at=starts_at)
        later = at(alpha, open_day(alpha, 3, after=first_day), 14, 30)
        other_slot = Slot.objects.create(agenda=agenda, appointment_type=kind, starts_at=later)
        person = Person.objects.create(
            last_name="MARCHAND",
            first_names="Inès",
            birth_date="1993-05-06",
            phone="+33611223344",
            city="NANTERRE",
            referent=cpip,
        )
        appointment = book(
            BookingRequest(
                person=person,
                appointment_type=kind,
                place=place,
                agenda=agenda,
                slot_id=slot.pk,
                notify_mode=NotifyMode.REMIND_ONLY,  # no summon racing with the code SMS
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


def sign_in_with_code(page, base, gateway, number="33611223344"):
    page.goto(base + "/mon-espace/")
    expect(page).to_have_url(base + "/mon-espace/connexion/")
    assert_accessible(page, context="portal sign-in")
    page.get_by_label("Votre numéro de portable").fill("06 11 22 33 44")
    page.get_by_role("button", name="Recevoir mon code").click()
    expect(page.locator("h1")).to_have_text("Écrivez le code reçu par SMS")
    assert_accessible(page, context="portal code page")
    sms = wait_for_sms(gateway, number, "est votre code")
    page.get_by_label("Le code reçu par SMS").fill(code_in(sms))
    page.get_by_role("button", name="Entrer").click()
    expect(page).to_have_url(base + "/mon-espace/")


def test_a_person_signs_in_prepares_writes_asks_a_change_and_sees_it_rescheduled(
    page,
    browser,
    live_url,
    world,
    receipts_gateway,  # noqa: F811
    celery_worker,
    tmp_path,
):
    alpha, person = world["alpha"], world["person"]
    base = live_url.format(host="alpha.localhost")
    receipts_gateway.reset()

    sign_in_with_code(page, base, receipts_gateway)

    # The next appointment comes first, with its .ics.
    next_card = page.locator("#prochain-rendez-vous")
    expect(next_card).to_contain_text("à 10 h")
    expect(next_card).to_contain_text("Antenne de Nanterre")
    with page.expect_download() as download_info:
        next_card.get_by_role("link", name=re.compile("Ajouter à mon agenda")).click()
    ics = download_info.value.path().read_text()
    assert "BEGIN:VEVENT" in ics and "MARCHAND" not in ics

    # A message with a PDF proof.
    proof = tmp_path / "attestation-employeur.pdf"
    proof.write_bytes(PDF)
    page.get_by_role("navigation", name="Menu de mon espace").get_by_role(
        "link", name=re.compile("Messages")
    ).click()
    page.get_by_label(re.compile("Votre message")).fill("Voici mon attestation de travail.")
    page.get_by_label(re.compile("Ajouter un fichier")).set_input_files(str(proof))
    page.get_by_role("button", name=re.compile("Envoyer")).click()
    expect(page.locator("main")).to_contain_text("Voici mon attestation de travail.")
    expect(page.locator("main")).to_contain_text("attestation-employeur.pdf")
    with tenant_context(alpha):
        message = PortalMessage.objects.get(person=person)
        assert message.attachment.content_type == "application/pdf"

    # A change request on the appointment.
    page.get_by_role("link", name="Mes rendez-vous", exact=True).click()
    page.locator("#prochain-rendez-vous").get_by_role(
        "link", name=re.compile("changer", re.IGNORECASE)
    ).click()
    page.locator("label", has_text="autre horaire").click()  # DSFR radios: the label is the target
    page.get_by_label(re.compile("Pourquoi")).fill("Je commence un nouveau travail ce jour-là.")
    page.get_by_role("button", name=re.compile("Envoyer")).click()
    expect(page.locator("main")).to_contain_text("Votre demande est envoyée")

    # The agent sees the request in the worklist and reschedules it on the other slot.
    agent_context = browser.new_context(locale="fr-FR")
    agent = agent_context.new_page()
    agent.set_default_timeout(15_000)
    sign_in(agent, base, world["cpip"])
    agent.get_by_role("link", name=re.compile("^Demandes")).click()
    agent.get_by_role("link", name=re.compile("MARCHAND")).click()
    expect(agent.locator("main")).to_contain_text("Je commence un nouveau travail ce jour-là.")
    agent.locator(f"label[for=creneau-{world['other_slot'].pk}]").click()
    agent.get_by_role("button", name=re.compile("Déplacer")).click()
    expect(agent.locator("main")).to_contain_text(re.compile("déplacé", re.IGNORECASE))
    agent_context.close()
    with tenant_context(alpha):
        request = ChangeRequest.objects.get()
        assert request.state == "rescheduled"
        new = Appointment.objects.get(pk=request.new_appointment_id)
        assert new.starts_at == world["other_slot"].starts_at
        assert new.state == AppointmentState.BOOKED

    # The person sees the new time and receives the reschedule SMS.
    page.goto(base + "/mon-espace/")
    expect(page.locator("#prochain-rendez-vous")).to_contain_text("14 h 30")
    reschedule_sms = wait_for_sms(receipts_gateway, "33611223344", "14h30")
    assert "Antenne de Nanterre" in reschedule_sms["text"]


def _tab_to(page, predicate_js: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches (a keyboard user's path)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"never reached by Tab: {predicate_js}")


def test_a_person_signs_in_and_writes_with_the_keyboard_only(
    page,
    live_url,
    world,
    receipts_gateway,  # noqa: F811
    celery_worker,
):
    base = live_url.format(host="alpha.localhost")
    receipts_gateway.reset()
    page.goto(base + "/mon-espace/connexion/")
    _tab_to(page, "el.name === 'phone'")
    page.keyboard.type("0611223344")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Écrivez le code reçu par SMS")
    sms = wait_for_sms(receipts_gateway, "33611223344", "est votre code")
    _tab_to(page, "el.name === 'code'")
    page.keyboard.type(code_in(sms))
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/mon-espace/")
    # Skip link first, then the menu: the keyboard reaches "Messages".
    _tab_to(page, "el.tagName === 'A' && el.textContent.trim().startsWith('Messages')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/mon-espace/messages/")
    _tab_to(page, "el.tagName === 'TEXTAREA'")
    page.keyboard.type("Bonjour, je serai en retard de 10 minutes.")
    _tab_to(
        page, "el.tagName === 'BUTTON' && el.type === 'submit' && /Envoyer/.test(el.textContent)"
    )
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Bonjour, je serai en retard de 10 minutes.")
    # Focus is visible: the focused element has an outline (DSFR focus ring).
    _tab_to(page, "el.tagName === 'A'")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_the_portal_reads_without_javascript_on_a_small_phone(browser, live_url, world):
    from tests.e2e.portal import open_portal_session

    context = browser.new_context(
        locale="fr-FR", java_script_enabled=False, viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    try:
        base = open_portal_session(page, live_url, world["alpha"], world["person"])
        for path in ("/mon-espace/", "/mon-espace/messages/", "/mon-espace/demandes/"):
            page.goto(base + path)
            expect(page.locator("h1")).to_be_visible()
            expect(page.get_by_role("link", name="Mes rendez-vous", exact=True)).to_be_visible()
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 320, (path, wide)
        page.goto(base + "/mon-espace/")
        expect(page.locator("#prochain-rendez-vous")).to_contain_text("à 10 h")
    finally:
        context.close()


def test_the_closed_and_invitation_pages_are_accessible(page, live_url, committed_db):
    gamma = committed_db["gamma"]
    page.goto(live_url.format(host=f"{gamma.slug}.localhost") + "/mon-espace/connexion/")
    expect(page.locator("h1")).to_have_text("Votre espace n'est pas encore ouvert")
    assert_accessible(page, context="portal closed")
    alpha_base = live_url.format(host="alpha.localhost")
    page.goto(alpha_base + "/mon-espace/invitation/lien-inconnu/")
    assert_accessible(page, context="portal invitation")
    page.get_by_role("button", name="Recevoir mon code").click()
    expect(page).to_have_url(alpha_base + "/mon-espace/connexion/")
    expect(page.locator("main")).to_contain_text("Ce lien ne marche plus")
