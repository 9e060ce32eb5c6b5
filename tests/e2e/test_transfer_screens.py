"""Browser journey of the transfer screens (issue 19, point 5): an Alpha agent sees Beta's
request counted in the menu, opens it from the worklist, accepts it; the person's page then says
where the follow-up went. Pages checked with axe."""

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from jurisdiction_apps.people.models import Person
from shared.transfers.constants import State
from shared.transfers.models import Transfer
from tenants.constants import Role
from tests.e2e.axe import assert_accessible
from tests.e2e.signing import sign_in_through_pages
from tests.factories import MembershipFactory
from tests.portal.helpers import make_mobile_person
from tests.transfers.helpers import pull

pytestmark = pytest.mark.e2e


def test_an_agent_answers_a_request_from_the_worklist(page, live_url, committed_db):
    alpha, beta = committed_db["alpha"], committed_db["beta"]
    admin = MembershipFactory(
        jurisdiction=alpha, role=Role.LOCAL_ADMIN, user__first_name="Alice"
    ).user
    asker = MembershipFactory(jurisdiction=beta, role=Role.DPIP).user
    person = make_mobile_person(alpha, last_name="DURAND", first_names="Paul")
    transfer = pull(alpha, beta, person, asker)
    base = live_url.format(host="alpha.localhost")
    # The local admin's menu is the longest: with the count it still fits a 1024 px screen.
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in_through_pages(page, base + "/", admin)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024

    menu = page.get_by_role("link", name="Transferts 1 demande à traiter")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.locator("h1")).to_have_text("Transferts")
    expect(page.locator("#transferts-a-traiter")).to_contain_text("DURAND Paul")
    assert_accessible(page, context="transfer worklist")

    page.locator("#transferts-a-traiter").get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text("Juridiction Bêta demande le transfert")
    assert_accessible(page, context="transfer request")
    page.get_by_role("button", name="Accepter le transfert").click()

    expect(page.locator(".fr-alert--success")).to_contain_text("Transfert accepté")
    transfer.refresh_from_db()
    assert transfer.state == State.ACCEPTED and transfer.answered_by_id == admin.pk
    # Nothing left to answer: the menu's count is gone.
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Transferts", exact=True)).to_be_visible()

    page.locator("#personne").get_by_role("link").click()
    expect(page.locator("#transfert-fait")).to_contain_text("Transféré(e) vers Juridiction Bêta")
    expect(page.get_by_role("link", name="Modifier la fiche")).to_have_count(0)
    assert_accessible(page, context="transferred person")
    with tenant_context(alpha):
        assert Person.objects.get(pk=person.pk).is_transferred
    assert Transfer.objects.get().target_person_id is not None
