"""The deployment officer's temporary access to a jurisdiction being opened (ADR 0017): granted
from the checklist, handed over to the jurisdiction's host on the page of the item, limited to
places, agendas, slot templates and SMS texts, recorded, ended at go-live."""

from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client

from onboarding.creation import services
from tenants.constants import JurisdictionStatus, Role
from tenants.models import JurisdictionEvent, Membership
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = JurisdictionEvent.Kind


@pytest.fixture
def opening(gamma):
    gamma.status = JurisdictionStatus.ONBOARDING
    gamma.save(update_fields=["status"])
    return gamma


@pytest.fixture
def officer_user():
    return UserFactory(deployment_officer=True)


@pytest.fixture
def officer(officer_user):
    client = Client(HTTP_HOST="localhost")
    sign_in(client, officer_user)
    return client


def open_page(officer, jurisdiction, page):
    """POST the checklist's button; follow the hand-off on the jurisdiction's host."""
    response = officer.post(f"/deploiement/juridictions/{jurisdiction.slug}/ouvrir/{page}/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    host = f"{jurisdiction.slug}.localhost"
    assert target.hostname == host and target.path.startswith("/connexion/relais/")
    assert not target.query  # the token only: no page, no name in the URL
    on_host = Client(HTTP_HOST=host)
    landed = on_host.get(target.path, follow=True)
    return on_host, landed


def events(jurisdiction, kind):
    return list(JurisdictionEvent.objects.filter(jurisdiction=jurisdiction, kind=kind))


def test_the_officer_opens_the_slot_templates_on_the_host_and_the_grant_is_recorded(
    opening, officer, officer_user
):
    assert not Membership.objects.filter(user=officer_user, jurisdiction=opening).exists()
    on_host, landed = open_page(officer, opening, "modeles-de-creneaux")
    assert landed.status_code == 200
    assert landed.redirect_chain[-1][0] == "/organisation/modeles/"
    membership = Membership.objects.get(user=officer_user, jurisdiction=opening, is_active=True)
    assert membership.onboarding_access
    [granted] = events(opening, Kind.ONBOARDING_ACCESS_GRANTED)
    assert granted.actor == officer_user and granted.details["membership_id"] == membership.pk
    # Open pages: places, agendas, slot templates (and their forms), SMS texts.
    for path in (
        "/organisation/lieux/",
        "/organisation/agendas/",
        "/organisation/modeles/nouveau/",
        "/sms/textes/",
    ):
        assert on_host.get(path).status_code == 200, path
    # A second opening reuses the access: one grant only.
    open_page(officer, opening, "textes-sms")
    assert len(events(opening, Kind.ONBOARDING_ACCESS_GRANTED)) == 1


def test_the_temporary_access_opens_nothing_else(opening, officer):
    on_host, _ = open_page(officer, opening, "lieux")
    for path in ("/tableau-de-bord/", "/personnes/", "/organisation/agents/", "/sms/echecs/"):
        refused = on_host.get(path)
        assert refused.status_code == 403, path
        assert "pas ouverte à votre accès de mise en service" in refused.content.decode()
        assert "/deploiement/juridictions/gamma/" in refused.content.decode()
    assert on_host.get("/api/v1/moi/").status_code == 403


def test_go_live_ends_the_access_and_records_it(opening, officer, officer_user):
    on_host, _ = open_page(officer, opening, "modeles-de-creneaux")
    assert on_host.get("/organisation/modeles/").status_code == 200
    services.go_live(opening, acting_user=officer_user, override_reason="Essai de fin d'accès.")
    assert not Membership.objects.filter(
        user=officer_user, jurisdiction=opening, is_active=True
    ).exists()
    [ended] = events(opening, Kind.ONBOARDING_ACCESS_ENDED)
    assert ended.actor == officer_user and ended.details["user_id"] == officer_user.pk
    # The open session on the host is worth nothing from now on.
    refused = on_host.get("/organisation/modeles/")
    assert refused.status_code == 403
    assert "Vous n'avez pas accès à cette juridiction" in refused.content.decode()
    # And the checklist cannot open it again: a French message, nothing granted.
    response = officer.post("/deploiement/juridictions/gamma/ouvrir/lieux/", follow=True)
    assert "n'est plus en cours d'ouverture" in unescape(response.content.decode())
    assert len(events(opening, Kind.ONBOARDING_ACCESS_GRANTED)) == 1


def test_an_officer_already_member_keeps_the_real_membership(opening, officer, officer_user):
    real = MembershipFactory(jurisdiction=opening, user=officer_user, role=Role.LOCAL_ADMIN)
    on_host, landed = open_page(officer, opening, "lieux")
    assert landed.status_code == 200
    assert events(opening, Kind.ONBOARDING_ACCESS_GRANTED) == []
    real.refresh_from_db()
    assert real.is_active and not real.onboarding_access
    assert on_host.get("/tableau-de-bord/").status_code == 200


def test_only_officers_may_open_and_unknown_pages_are_404(opening, officer):
    assert officer.post("/deploiement/juridictions/gamma/ouvrir/personnes/").status_code == 404
    national = Client(HTTP_HOST="localhost")
    sign_in(national, UserFactory(national_role="national_team"))
    assert national.post("/deploiement/juridictions/gamma/ouvrir/lieux/").status_code == 403
    assert officer.get("/deploiement/juridictions/gamma/ouvrir/lieux/").status_code == 405
    assert events(opening, Kind.ONBOARDING_ACCESS_GRANTED) == []


def test_the_review_is_confirmed_after_opening_the_texts(opening, officer, officer_user):
    refused = officer.post("/deploiement/juridictions/gamma/textes-sms/", follow=True)
    assert "Lisez d'abord les textes des SMS" in unescape(refused.content.decode())
    assert events(opening, Kind.SMS_TEXTS_REVIEWED) == []
    _, landed = open_page(officer, opening, "textes-sms")
    assert landed.redirect_chain[-1][0] == "/sms/textes/"
    confirmed = officer.post("/deploiement/juridictions/gamma/textes-sms/", follow=True)
    assert "Relecture des textes des SMS enregistrée" in confirmed.content.decode()
    assert len(events(opening, Kind.SMS_TEXTS_REVIEWED)) == 1


def test_the_checklist_links_every_item_to_where_it_is_done(opening, officer):
    body = officer.get("/deploiement/juridictions/gamma/").content.decode()
    for target in (
        "/deploiement/juridictions/gamma/imports/",
        "/deploiement/juridictions/gamma/ouvrir/lieux/",
        "/deploiement/juridictions/gamma/ouvrir/modeles-de-creneaux/",
        "/deploiement/juridictions/gamma/ouvrir/textes-sms/",
        "#sms-test",
    ):
        assert target in body, target


@pytest.mark.parametrize("target", ["https://ailleurs.example/", "//ailleurs.example/x"])
def test_a_hand_off_never_sends_to_another_site(opening, officer_user, target):
    from tenants.handoff import issue_token

    MembershipFactory(jurisdiction=opening, user=officer_user, role=Role.CPIP)
    token = issue_token(officer_user.pk, opening.schema_name, extra={"next": target})
    landed = Client(HTTP_HOST="gamma.localhost").get(f"/connexion/relais/{token}/")
    assert landed.status_code == 302 and landed["Location"] == "/tableau-de-bord/"
