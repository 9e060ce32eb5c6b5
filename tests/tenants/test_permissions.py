"""Every role against every action, through the real views (tenants/permissions.py is the table)."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.services import BookingRequest, book
from shared.person_index.models import Entry
from tenants.constants import Role
from tenants.permissions import PERMISSIONS, Action, role_can
from tests.auth import sign_in
from tests.dates import open_day_at
from tests.factories import MembershipFactory


@pytest.fixture
def world(alpha, beta):
    booker = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    with tenant_context(alpha):
        person = Person.objects.create(
            last_name="DURAND",
            first_names="Alix",
            birth_date="1985-06-01",
            phone="+33611111111",
            city="X",
        )
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place = Place.objects.create(name="Antenne")
        place.appointment_types.add(kind)
        appointment = book(
            BookingRequest(
                person=person,
                appointment_type=kind,
                place=place,
                starts_at=open_day_at(alpha, 11, days_ahead=3),
            ),
            acting_user=booker,
        )
    with tenant_context(beta):
        elsewhere = Person.objects.create(
            last_name="DURAND",
            first_names="Alix",
            birth_date="1985-06-01",
            phone="+262692111111",
            city="Y",
        )
    # The national index entry of beta's person (written by the trigger): what a transfer asks.
    entry = Entry.objects.get(jurisdiction=beta, person_id=elsewhere.pk)
    return {"person": person, "appointment": appointment, "entry": entry}


REQUESTS = {
    Action.VIEW_PEOPLE: lambda c, w: c.get("/personnes/"),
    Action.EDIT_PEOPLE: lambda c, w: c.get("/personnes/nouvelle/"),
    Action.ARCHIVE_PEOPLE: lambda c, w: c.post(f"/personnes/{w['person'].pk}/archiver/"),
    Action.BOOK: lambda c, w: c.get(f"/convocations/nouvelle/?personne={w['person'].pk}"),
    Action.RECORD_OUTCOME: lambda c, w: c.post(
        f"/convocations/{w['appointment'].pk}/statut/", {"action": "excused"}
    ),
    Action.VIEW_AUDIT: lambda c, w: c.get(f"/personnes/{w['person'].pk}/tracabilite/"),
    Action.MANAGE_PLACES: lambda c, w: c.get("/organisation/lieux/"),
    Action.MANAGE_AGENTS: lambda c, w: c.get("/organisation/agents/"),
    Action.MANAGE_SMS_TEXTS: lambda c, w: c.get("/sms/textes/"),
    Action.VIEW_STATISTICS: lambda c, w: c.get("/statistiques/"),
    Action.INVITE_TO_PORTAL: lambda c, w: c.post(f"/personnes/{w['person'].pk}/inviter/"),
    Action.PORTAL_MESSAGES: lambda c, w: c.get(f"/messages/{w['person'].pk}/"),
    Action.HANDLE_CHANGE_REQUESTS: lambda c, w: c.get("/demandes/"),
    Action.HOLD_PEOPLE: lambda c, w: c.get(f"/personnes/{w['person'].pk}/conservation/"),
    Action.ERASE_PEOPLE: lambda c, w: c.get(f"/personnes/{w['person'].pk}/effacer/"),
    Action.EXPORT_PERSON_DATA: lambda c, w: c.get(f"/personnes/{w['person'].pk}/donnees/"),
    Action.VIEW_RETENTION: lambda c, w: c.get("/conservation/"),
    Action.MANAGE_API_KEYS: lambda c, w: c.get("/pilotage/cles-api/"),
    Action.TRANSFER_PEOPLE: lambda c, w: c.get(f"/transferts/demander/?entry={w['entry'].pk}"),
}


def test_every_action_has_a_request_here():
    assert set(REQUESTS) == set(Action) == set(PERMISSIONS)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_role_against_action(alpha, world, role, action):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=role).user)
    response = REQUESTS[action](client, world)
    assert response.status_code != 500
    if role_can(role, action):
        assert response.status_code in (200, 302), (role, action, response.status_code)
    else:
        assert response.status_code == 403, (role, action, response.status_code)


OPEN_VIEWS = {
    "home",
    "dashboard",
    "switch-jurisdiction",
    "accept-handoff",
    "proconnect_relay",  # the ProConnect sign-in's hand-over (tests/accounts)
    "proconnect_logout",  # every member signs out
    "api-schema",
    "stop",
    "agent_contact",  # every member edits their own contact shown on the portal
    # The agent's own session: how long it has left, and "Rester connecté" (any member).
    "account_session_status",
    "account_session_keep_alive",
}
# The portal's pages are for the people followed (tests/portal): signed in as a person, or open.
# The session routes of the idle warning answer {"expired": true} without a session (nothing
# of a person in them): the warning script must learn that the session has ended.
PORTAL_OPEN_VIEWS = {
    "sign_in",
    "enter_code",
    "new_code",
    "sign_out",
    "invitation",
    "calendar_feed",
    "session_status",
    "session_keep_alive",
}


def _views(resolver: URLResolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name in ("account", "mfa", "portal") or "allauth" in str(
                pattern.urlconf_name
            ):
                continue
            yield from _views(pattern)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name not in OPEN_VIEWS
            and not pattern.name.startswith("api-")
        ):
            yield pattern


def test_every_back_office_view_declares_its_action():
    """A new page cannot forget the permission check: the decorator marks the view."""
    missing = [
        p.name
        for p in _views(get_resolver("saas_platform.urls_tenant"))
        if not hasattr(p.callback, "required_action")
    ]
    assert missing == []


def test_every_portal_view_needs_a_signed_in_person_unless_open_by_design():
    (portal,) = [
        p
        for p in get_resolver("saas_platform.urls_tenant").url_patterns
        if isinstance(p, URLResolver) and p.app_name == "portal"
    ]
    unguarded = {
        p.name
        for p in portal.url_patterns
        if not getattr(p.callback, "portal_person_required", False)
    }
    assert unguarded == PORTAL_OPEN_VIEWS
