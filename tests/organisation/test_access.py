"""Only directors and local admins reach the organisation screens; every screen is French DSFR."""

import pytest
from django.urls import reverse

from jurisdiction_apps.organisation import urls
from tenants.constants import MANAGER_ROLES, Role
from tenants.permissions import Action
from tests.factories import MembershipFactory

from .conftest import h1_count, host_client

SCREENS = [
    "organisation:places",
    "organisation:place_create",
    "organisation:agendas",
    "organisation:agenda_create",
    "organisation:slot_templates",
    "organisation:slot_template_create",
    "organisation:slots",
    "organisation:slot_create",
    "organisation:agents",
    "organisation:agent_invite",
]


def every_url():
    for pattern in urls.urlpatterns:
        kwargs = {"pk": 1} if "<int:pk>" in str(pattern.pattern) else {}
        yield reverse(f"organisation:{pattern.name}", kwargs=kwargs)


def test_every_view_requires_a_management_action():
    for pattern in urls.urlpatterns:
        assert pattern.callback.required_action in (
            Action.MANAGE_PLACES,
            Action.MANAGE_AGENTS,
        ), pattern.name


@pytest.mark.parametrize("role", [Role.CPIP, Role.JAP, Role.BEX, Role.SECRETARY_SPIP])
def test_agents_who_do_not_manage_get_403_everywhere(alpha, role):
    client = host_client("alpha.localhost", MembershipFactory(jurisdiction=alpha, role=role).user)
    for url in every_url():
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"action": "archiver"}).status_code == 403, url


def test_cpip_does_not_see_the_organisation_menu(alpha):
    cpip = MembershipFactory(jurisdiction=alpha, role=Role.CPIP)
    body = host_client("alpha.localhost", cpip.user).get("/tableau-de-bord/").content.decode()
    assert reverse("organisation:places") not in body


def test_anonymous_visitors_are_sent_to_sign_in(alpha):
    client = host_client("alpha.localhost")
    for url in every_url():
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/comptes/login/" in response["Location"]


def test_member_of_another_jurisdiction_is_refused(alpha, beta):
    beta_admin = MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN)
    client = host_client("alpha.localhost", beta_admin.user)
    assert client.get(reverse("organisation:places")).status_code == 403


@pytest.mark.parametrize("role", sorted(MANAGER_ROLES))
def test_managers_reach_every_screen_with_one_h1_and_the_side_menu(alpha, role):
    client = host_client("alpha.localhost", MembershipFactory(jurisdiction=alpha, role=role).user)
    assert client.get("/organisation/").status_code == 302
    for name in SCREENS:
        response = client.get(reverse(name))
        body = response.content.decode()
        assert response.status_code == 200, name
        assert h1_count(response) == 1, name
        assert 'class="fr-sidemenu"' in body, name
        assert 'aria-current="page"' in body, name
        assert '<html lang="fr"' in body


def test_odd_query_strings_and_forms_never_break_a_screen(alpha, admin_client):
    huge = "9" * 30
    for url, params in (
        (reverse("organisation:agenda_create"), {"lieu": "abc"}),
        (reverse("organisation:agenda_create"), {"lieu": huge}),
        (reverse("organisation:slot_template_create"), {"agenda": "abc"}),
        (reverse("organisation:slot_template_create"), {"agenda": huge}),
        (reverse("organisation:slot_create"), {"agenda": huge}),
        (reverse("organisation:slots"), {"agenda": huge, "du": "31/02/2027"}),
    ):
        assert admin_client.get(url, params).status_code == 200, (url, params)
    for name, data in (
        ("slot_create", {"agenda": huge, "appointment_type": huge, "day": "x"}),
        ("slot_template_create", {"agenda": huge, "weekday": "9", "start_time": "25:00"}),
        ("place_create", {"service": huge, "appointment_types": [huge, "x"]}),
        ("agenda_create", {"place": huge, "name": "x" * 300}),
        ("agent_invite", {"email": "a@b.fr", "first_name": "x" * 500, "role": ""}),
    ):
        response = admin_client.post(reverse(f"organisation:{name}"), data)
        assert response.status_code == 200, name
        assert "fr-error-text" in response.content.decode() or "fr-message--error" in (
            response.content.decode()
        ), name
    url = reverse("organisation:slots") + "?agenda=1"
    assert admin_client.post(url, {"action": "fermer", "slots": [huge]}).status_code in (200, 302)
