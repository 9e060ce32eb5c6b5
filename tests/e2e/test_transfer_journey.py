"""The journey of issue 19 ("Done when"), in a browser: an agent at Nanterre (Alpha here)
registers a person already followed at Lille (Bêta), sees the warning "suivi(e) aussi par", hands
the follow-up over to Lille from it; a Lille agent accepts; the person's next appointment and
portal are Lille's, Nanterre's record is read-only and its portal session has ended."""

import re
from datetime import date

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.people.models import Person
from shared.transfers.constants import Direction, State
from shared.transfers.models import Transfer
from tenants.constants import Role
from tenants.models import Jurisdiction
from tests.dates import open_day_at
from tests.e2e.axe import assert_accessible
from tests.e2e.portal import open_portal_session
from tests.e2e.signing import sign_in_through_pages
from tests.factories import MembershipFactory
from tests.transfers.helpers import appointment

pytestmark = pytest.mark.e2e

PHONE = "+33612457801"
IDENTITY = {
    "last_name": "LEGRAND",
    "first_names": "Maëlle",
    "birth_date": date(1991, 4, 17),
    "phone": PHONE,
    "appi_number": "591234567890",
    "city": "LILLE",
}
LILLE_CONTACT = "SPIP du Nord : 03 20 00 00 00"


@pytest.fixture
def lille_contact(committed_db):
    beta = committed_db["beta"]
    Jurisdiction.objects.filter(pk=beta.pk).update(service_contact=LILLE_CONTACT)
    yield
    Jurisdiction.objects.filter(pk=beta.pk).update(service_contact="")


def test_nanterre_registers_a_person_followed_at_lille_and_lille_takes_the_record(
    browser, live_url, committed_db, lille_contact
):
    nanterre, lille = committed_db["alpha"], committed_db["beta"]
    nanterre_agent = MembershipFactory(jurisdiction=nanterre, role=Role.DPIP).user
    lille_agent = MembershipFactory(jurisdiction=lille, role=Role.JAP).user
    with tenant_context(lille):
        at_lille = Person.objects.create(no_mobile_phone=False, **IDENTITY)
    next_at_lille = appointment(lille, at_lille, days=9)
    # At a set local time (10:30), so that what the portal writes never depends on the hour
    # the test runs ("7 h" on the hour, "7 h 05" otherwise).
    next_at_lille.starts_at = open_day_at(lille, 10, 30, days_ahead=9)
    with tenant_context(lille):
        next_at_lille.save(update_fields=["starts_at"])

    # 1. Nanterre registers the person: saved, then warned who else follows them.
    agent_page = browser.new_page()
    nanterre_url = live_url.format(host="alpha.localhost")
    sign_in_through_pages(agent_page, nanterre_url + "/", nanterre_agent)
    agent_page.goto(nanterre_url + "/personnes/nouvelle/")
    agent_page.get_by_label("Nom", exact=True).fill("Legrand")
    agent_page.get_by_label("Prénoms").fill("Maëlle Jeanne")
    agent_page.get_by_label("Date de naissance").fill("1991-04-17")
    agent_page.locator("#id_phone").fill("06 12 45 78 01")
    agent_page.get_by_label("Numéro APPI").fill("591234567890")
    agent_page.get_by_role("textbox", name="Commune de résidence").fill("Lille")
    agent_page.get_by_role("button", name="Enregistrer", exact=True).click()
    warning = agent_page.locator("#suivi-ailleurs")
    expect(warning).to_contain_text(
        f"Suivi(e) aussi par : {lille.display_name} (contact : {LILLE_CONTACT})"
    )
    expect(warning).not_to_contain_text("Maëlle")  # nothing of Lille's record
    assert_accessible(agent_page, context="duplicate warning")
    with tenant_context(nanterre):
        at_nanterre = Person.objects.get(appi_number=IDENTITY["appi_number"])

    # The person opens Nanterre's portal meanwhile (their record there has a phone).
    person_page = browser.new_page()
    nanterre_portal = open_portal_session(person_page, live_url, nanterre, at_nanterre)
    person_page.goto(nanterre_portal + "/mon-espace/")
    expect(person_page.locator("h1")).to_be_visible()

    # 2. From the warning, the follow-up is handed over to Lille, where the person lives.
    warning.get_by_role("link", name=f"Confier le suivi à {lille.display_name}").click()
    expect(agent_page.get_by_label("Juridiction qui suivra la personne")).to_have_value(
        str(lille.pk)
    )
    agent_page.get_by_label("Motif").fill("Réside à Lille, suivi déjà en cours au SPIP du Nord")
    agent_page.get_by_role("button", name="Proposer le transfert").click()
    expect(agent_page.locator(".fr-alert--success")).to_contain_text("Transfert proposé")
    transfer = Transfer.objects.get()
    assert (transfer.direction, transfer.state) == (Direction.PUSH, State.PENDING)

    # 3. A Lille agent sees it counted in the menu and accepts it.
    lille_page = browser.new_page()
    lille_url = live_url.format(host="beta.localhost")
    sign_in_through_pages(lille_page, lille_url + "/", lille_agent)
    lille_page.get_by_role("link", name="Transferts 1 demande à traiter").click()
    lille_page.locator("#transferts-a-traiter").get_by_role("link").first.click()
    assert_accessible(lille_page, context="incoming offer")
    lille_page.get_by_role("button", name="Accepter le transfert").click()
    expect(lille_page.locator(".fr-alert--success")).to_contain_text("Transfert accepté")
    transfer.refresh_from_db()
    assert transfer.state == State.ACCEPTED and transfer.merged  # into Lille's own record
    assert transfer.target_person_id == at_lille.pk

    # 4. Nanterre's record is read-only, "transféré(e) vers" Lille.
    agent_page.goto(f"{nanterre_url}/personnes/{at_nanterre.pk}/")
    expect(agent_page.locator("#transfert-fait")).to_contain_text(
        f"Transféré(e) vers {lille.display_name}"
    )
    expect(agent_page.get_by_role("link", name="Modifier la fiche")).to_have_count(0)

    # 5. The person's Nanterre portal session has ended; Lille's portal shows their next
    # appointment, with the same phone.
    person_page.goto(nanterre_portal + "/mon-espace/")
    expect(person_page.get_by_text("Votre suivi est maintenant assuré par")).to_be_visible()
    with tenant_context(lille):
        merged = Person.objects.get(pk=at_lille.pk)
        assert merged.phone == PHONE and not merged.is_transferred
    lille_portal = open_portal_session(person_page, live_url, lille, merged)
    person_page.goto(lille_portal + "/mon-espace/")
    expect(person_page.locator("#prochain-rendez-vous")).to_contain_text("Antenne des transferts")
    local = next_at_lille.starts_at.astimezone(lille.zone)
    expect(person_page.locator("#prochain-rendez-vous")).to_contain_text(
        re.compile(rf"\b{local.day} \w+.*à 10 h 30", re.DOTALL)
    )
    for opened in (agent_page, lille_page, person_page):
        opened.close()
