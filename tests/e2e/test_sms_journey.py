"""Browser journey: an agent books with "notify now"; the summon reaches the local SMS gateway,
whose delivery receipt comes back to the platform and shows on the appointment."""

import time as clock

import pytest
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from devtools.sms_gateway import Gateway
from jurisdiction_apps.notifications.constants import MessageKind, MessageState
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Slot
from tenants.constants import Role
from tenants.models import Jurisdiction
from tests.dates import open_day_at
from tests.e2e.booking import choose, pick_slot
from tests.e2e.test_backoffice_journeys import sign_in
from tests.factories import MembershipFactory
from tests.notifications.conftest import quiet_hours_away_from_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def awake_alpha(committed_db):
    """Quiet hours moved away from now for this test (CI may run at night)."""
    alpha = committed_db["alpha"]
    before = (alpha.sms_quiet_start, alpha.sms_quiet_end)
    start, end = quiet_hours_away_from_now(alpha.zone)
    Jurisdiction.objects.filter(pk=alpha.pk).update(sms_quiet_start=start, sms_quiet_end=end)
    try:
        yield Jurisdiction.objects.get(pk=alpha.pk)
    finally:
        Jurisdiction.objects.filter(pk=alpha.pk).update(
            sms_quiet_start=before[0], sms_quiet_end=before[1]
        )


@pytest.fixture
def receipts_gateway(live_url, settings):
    """A local gateway whose receipts go to the live server's public host."""
    receipts_url = live_url.format(host="localhost") + "/sms/accuses/"
    gateway = Gateway(port=0, receipts_url=receipts_url, receipt_delay_ms=100, access_log="none")
    gateway.start()
    base = gateway.url.rstrip("/")
    settings.SMS_PROVIDERS = {
        **settings.SMS_PROVIDERS,
        "link": {
            **settings.SMS_PROVIDERS["link"],
            "url": base + "/restapi/v1/sms/send",
            "lookup_url": base + "/restapi/v1/sms/lookup",
        },
    }
    try:
        yield gateway
    finally:
        gateway.stop()


def test_a_summon_booked_with_notify_now_is_delivered_and_shown(
    page, live_url, awake_alpha, receipts_gateway, celery_worker
):
    alpha = awake_alpha
    bex = MembershipFactory(jurisdiction=alpha, role=Role.BEX).user
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="sortie-audience-spip")
        place = Place.objects.create(name="Antenne de Nanterre", phone="+33147290000")
        place.appointment_types.add(kind)
        agenda = Agenda.objects.create(place=place, name="Équipe 1")
        starts_at = open_day_at(alpha, 10, days_ahead=4)
        slot = Slot.objects.create(agenda=agenda, appointment_type=kind, starts_at=starts_at)
        person = Person.objects.create(
            last_name="MARCHAND",
            first_names="Inès",
            birth_date="1993-05-06",
            phone="+33611223344",
            city="NANTERRE",
        )
    base = live_url.format(host="alpha.localhost")
    sign_in(page, base, bex)

    page.goto(f"{base}/convocations/nouvelle/?personne={person.pk}")
    choose(page, kind="Sortie d'audience SPIP", place="Antenne de Nanterre", agenda="Équipe 1")
    pick_slot(page, slot)
    page.get_by_label("Prévenir maintenant et rappeler avant").check()
    page.get_by_label("Numéros de parquet").fill("26001234567")
    page.get_by_role("button", name="Convoquer").click()
    expect(page.locator("h1")).to_have_text("Sortie d'audience SPIP")

    # The summon reaches the gateway (the booking handed it over at once, no sweep needed).
    deadline = clock.monotonic() + 20
    while not receipts_gateway.messages() and clock.monotonic() < deadline:
        clock.sleep(0.2)
    (received,) = receipts_gateway.messages()
    assert received["destination"].lstrip("+") == "33611223344"
    assert "10h00" in received["text"] and "Antenne de Nanterre" in received["text"]

    # Its receipt comes back; the agent sees "Reçu" on the appointment.
    summon_row = page.locator('tr[data-sms-kind="summon"]')
    deadline = clock.monotonic() + 20
    while clock.monotonic() < deadline:
        page.reload()
        if summon_row.get_attribute("data-sms-state") == MessageState.DELIVERED:
            break
        clock.sleep(0.5)
    expect(summon_row).to_have_attribute("data-sms-state", MessageState.DELIVERED)
    expect(summon_row).to_contain_text("Reçu")
    with tenant_context(alpha):
        summon = Message.objects.get(kind=MessageKind.SUMMON)
        assert summon.reference == received["reference"]
        assert summon.delivered_at is not None
