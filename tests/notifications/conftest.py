"""Fixtures of the SMS engine tests: the back-office world of tests/scheduling, and a local SMS
gateway (devtools/sms_gateway.py) in this process that the providers' settings point at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from devtools.sms_gateway import Gateway
from jurisdiction_apps.scheduling.constants import NotifyMode
from tenants.models import Jurisdiction
from tests.scheduling import conftest as scheduling
from tests.scheduling.helpers import book_on_new_slot

# The back-office world of the scheduling tests (fixtures shared by name).
in_alpha, office, agenda, slot_type = (
    scheduling.in_alpha,
    scheduling.office,
    scheduling.agenda,
    scheduling.slot_type,
)
free_type, make_slot, person, bex, cpip = (
    scheduling.free_type,
    scheduling.make_slot,
    scheduling.person,
    scheduling.bex,
    scheduling.cpip,
)


@pytest.fixture(scope="session")
def _gateway_server():
    gateway = Gateway(port=0, receipts=False, access_log="none").start()
    yield gateway
    gateway.stop()


@pytest.fixture
def gateway(_gateway_server, settings):
    """The gateway, emptied, both providers pointed at it (LINK first, then Brevo)."""
    _gateway_server.reset()
    _gateway_server.set_switches(
        {
            "mode": "normal",
            "api": None,
            "duration_s": None,
            "invalid_numbers": [],
            "unreachable_numbers": [],
            "undeliverable_numbers": [],
        }
    )
    base = _gateway_server.url.rstrip("/")
    settings.SMS_PROVIDERS = {
        "link": {
            "url": base + "/restapi/v1/sms/send",
            "lookup_url": base + "/restapi/v1/sms/lookup",
            "user": "dev-link",
            "password": "dev-link-password",
            "timeout": 2.0,
        },
        "brevo": {
            "url": base + "/v3/transactionalSMS/send",
            "events_url": base + "/v3/transactionalSMS/statistics/events",
            "api_key": "dev-brevo-key",
            "timeout": 2.0,
        },
    }
    settings.SMS_PROVIDER_ORDER = ["link", "brevo"]
    return _gateway_server


@pytest.fixture
def book_in(office, slot_type, agenda, make_slot, bex):
    """Book ``person`` on a new slot ``hours`` ahead (notify now and remind, unless told)."""

    def make(person, hours=72, notify_mode=NotifyMode.NOTIFY_AND_REMIND):
        return book_on_new_slot(
            person, slot_type, office, agenda, make_slot, bex, hours, notify_mode=notify_mode
        )

    return make


def later(**delta):
    return timezone.now() + timedelta(**delta)


def set_quiet_hours(jurisdiction, start, end):
    """Quiet hours of ``jurisdiction``, on this object and in the database: a request (the
    "send again" button) reads its jurisdiction from the database, at any hour of the run."""
    jurisdiction.sms_quiet_start, jurisdiction.sms_quiet_end = start, end
    Jurisdiction.objects.filter(pk=jurisdiction.pk).update(sms_quiet_start=start, sms_quiet_end=end)


def quiet_hours_away_from_now(zone):
    """(start, end) of quiet hours six hours from now: "now" and "now + 24 h" may send."""
    local = timezone.localtime(timezone.now(), zone)
    return (local + timedelta(hours=6)).time(), (local + timedelta(hours=7)).time()


@pytest.fixture
def daytime(in_alpha):
    """Quiet hours moved away from now, so that "now" is an allowed time to send."""
    from django.db import connection

    set_quiet_hours(connection.tenant, *quiet_hours_away_from_now(connection.tenant.zone))
    return connection.tenant
