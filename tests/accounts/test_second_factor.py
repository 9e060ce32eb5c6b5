"""A second factor is required of local admins, directors, deployment officers, the national team,
staff and superusers; the Django admin signs in through allauth (issue 16, point 2)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from shared.accounts.second_factor import requires_second_factor
from tenants.constants import MANAGER_ROLES, Role
from tests.auth import enrol_totp, sign_in, totp_code
from tests.factories import PASSWORD, MembershipFactory, UserFactory

ENROL = "activez une double authentification"


def password_sign_in(client, host, user, path="/comptes/login/"):
    return client.post(
        path, {"login": user.email, "password": PASSWORD}, HTTP_HOST=host, follow=False
    )


@pytest.mark.parametrize("role", sorted(MANAGER_ROLES))
def test_managers_of_a_jurisdiction_need_a_second_factor(alpha, role):
    assert requires_second_factor(MembershipFactory(jurisdiction=alpha, role=role).user)


@pytest.mark.parametrize("role", [Role.CPIP, Role.BEX, Role.JAP, Role.SECRETARY_SPIP])
def test_other_agents_do_not(alpha, role):
    assert not requires_second_factor(MembershipFactory(jurisdiction=alpha, role=role).user)


@pytest.mark.parametrize(
    "traits",
    [
        {"national_team": True},
        {"deployment_officer": True},
        {"is_staff": True},
        {"is_superuser": True},
    ],
)
def test_national_staff_and_superusers_do(db, traits):
    assert requires_second_factor(UserFactory(**traits))


def test_an_admin_without_mfa_is_sent_to_enrol_before_any_page(alpha):
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    client = Client()
    response = password_sign_in(client, "alpha.localhost", admin)
    assert response.status_code == 302
    for path in ("/tableau-de-bord/", "/personnes/", "/organisation/lieux/"):
        response = client.get(path, HTTP_HOST="alpha.localhost")
        assert response.status_code == 302, path
        assert response.url == "/comptes/2fa/"
    page = client.get("/comptes/2fa/", HTTP_HOST="alpha.localhost")
    assert page.status_code == 200
    assert ENROL in page.content.decode()
    # The API answers in its own format instead of redirecting.
    api = client.get("/api/v1/moi/", HTTP_HOST="alpha.localhost")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"
    # Leaving stays possible.
    assert client.post("/comptes/logout/", HTTP_HOST="alpha.localhost").status_code == 302
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").url.startswith(
        "/comptes/login/"
    )


def test_enrolling_totp_opens_the_pages(committed_db):
    """Enrolling is a second factor passed: the pages open without a second code. (allauth records
    the new authenticator after its transaction commits: this test commits for real.)"""
    alpha = committed_db["alpha"]
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    client = Client()
    password_sign_in(client, "alpha.localhost", admin)
    # Adding a factor asks the password again first (allauth's reauthentication).
    asked = client.get("/comptes/2fa/totp/activate/", HTTP_HOST="alpha.localhost")
    assert asked.status_code == 302 and asked.url.startswith("/comptes/reauthenticate/")
    client.post(asked.url, {"password": PASSWORD}, HTTP_HOST="alpha.localhost")
    page = client.get("/comptes/2fa/totp/activate/", HTTP_HOST="alpha.localhost")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(
        "/comptes/2fa/totp/activate/", {"code": totp_code(secret)}, HTTP_HOST="alpha.localhost"
    )
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(
        user=admin, type=Authenticator.Type.RECOVERY_CODES
    ).exists()  # recovery codes come with the first authenticator
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200


def test_an_enrolled_admin_passes_the_code_at_sign_in(alpha):
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    secret = enrol_totp(admin)
    client = Client()
    response = password_sign_in(client, "alpha.localhost", admin)
    assert response.url == "/comptes/2fa/authenticate/"
    # Not signed in yet: the password alone opens nothing.
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 302
    wrong = client.post(
        "/comptes/2fa/authenticate/", {"code": "000000"}, HTTP_HOST="alpha.localhost"
    )
    assert wrong.status_code == 200
    right = client.post(
        "/comptes/2fa/authenticate/", {"code": totp_code(secret)}, HTTP_HOST="alpha.localhost"
    )
    assert right.status_code == 302
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200


def test_a_session_without_the_second_factor_is_asked_for_it(alpha):
    """An enrolled account whose session passed no second factor (a weak ProConnect level, a
    session opened some other way) is asked for a code, not let through."""
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    secret = enrol_totp(admin)
    client = Client()
    sign_in(client, admin, second_factor=False)
    response = client.get("/personnes/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 302
    assert response.url == "/comptes/2fa/reauthenticate/?next=%2Fpersonnes%2F"
    back = client.post(response.url, {"code": totp_code(secret)}, HTTP_HOST="alpha.localhost")
    assert back.status_code == 302 and back.url == "/personnes/"
    assert client.get("/personnes/", HTTP_HOST="alpha.localhost").status_code == 200


def test_a_strong_proconnect_sign_in_counts_as_the_second_factor(alpha, settings):
    settings.PROCONNECT_STRONG_ACR = ["eidas2", "eidas3"]
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    client = Client()
    sign_in(client, admin, second_factor=False)
    session = client.session
    session["proconnect"] = {"acr": "eidas1"}
    session.save()
    assert client.get("/personnes/", HTTP_HOST="alpha.localhost").status_code == 302
    session["proconnect"] = {"acr": "eidas2"}
    session.save()
    assert client.get("/personnes/", HTTP_HOST="alpha.localhost").status_code == 200


def test_a_cpip_is_not_asked(alpha):
    cpip = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    client = Client()
    response = password_sign_in(client, "alpha.localhost", cpip)
    assert response.url == "/tableau-de-bord/"
    assert client.get("/tableau-de-bord/", HTTP_HOST="alpha.localhost").status_code == 200


def test_the_django_admin_signs_in_through_allauth_with_its_limits_and_mfa(db, sign_in_limits):
    national = UserFactory(national_team=True)
    client = Client()
    response = client.get("/admin/", HTTP_HOST="localhost")
    assert response.status_code == 302
    login = client.get(response.url, HTTP_HOST="localhost", follow=True)
    assert login.redirect_chain[-1][0].startswith("/comptes/login/")
    # Django's own admin form is gone: a POST to it goes through allauth's page.
    own = client.post(
        "/admin/login/", {"username": national.email, "password": PASSWORD}, HTTP_HOST="localhost"
    )
    assert own.status_code == 302 and own.url.startswith("/comptes/login/")
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 302
    # Ten wrong passwords, then the right one is refused too: the admin has allauth's limit.
    for _ in range(10):
        client.post(
            "/comptes/login/", {"login": national.email, "password": "faux"}, HTTP_HOST="localhost"
        )
    refused = client.post(
        "/comptes/login/", {"login": national.email, "password": PASSWORD}, HTTP_HOST="localhost"
    )
    assert refused.status_code == 200
    assert "réessayez dans" in refused.content.decode()
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 302


def test_the_admin_after_password_still_needs_the_second_factor(db):
    national = UserFactory(national_team=True)
    client = Client()
    response = client.post(
        "/comptes/login/?next=/admin/",
        {"login": national.email, "password": PASSWORD},
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    admin = client.get("/admin/", HTTP_HOST="localhost")
    assert admin.status_code == 302 and admin.url == "/comptes/2fa/"
    secret = enrol_totp(national)
    fresh = Client()
    fresh.post(
        "/comptes/login/?next=/admin/",
        {"login": national.email, "password": PASSWORD},
        HTTP_HOST="localhost",
    )
    fresh.post("/comptes/2fa/authenticate/", {"code": totp_code(secret)}, HTTP_HOST="localhost")
    assert fresh.get("/admin/", HTTP_HOST="localhost").status_code == 200


def test_a_switch_carries_the_second_factor_to_the_other_host(alpha, beta):
    director = MembershipFactory(jurisdiction=alpha, role=Role.DPIP).user
    MembershipFactory(jurisdiction=beta, role=Role.DPIP, user=director)
    origin = Client()
    sign_in(origin, director)
    response = origin.post(f"/changer/{beta.slug}/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 302
    relay = response.url.split("localhost", 1)[1].split("/", 1)[1]
    target = Client()
    landed = target.get("/" + relay, HTTP_HOST="beta.localhost")
    assert landed.status_code == 302 and landed.url == "/tableau-de-bord/"
    assert target.get("/tableau-de-bord/", HTTP_HOST="beta.localhost").status_code == 200


def test_a_switch_without_the_second_factor_does_not_pass_it(alpha, beta):
    director = MembershipFactory(jurisdiction=alpha, role=Role.DPIP).user
    MembershipFactory(jurisdiction=beta, role=Role.DPIP, user=director)
    origin = Client()
    sign_in(origin, director, second_factor=False)
    # The gate stops the switch itself: no page, no switch, before the factor.
    response = origin.post(f"/changer/{beta.slug}/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 302 and response.url == "/comptes/2fa/"


def test_the_idle_warning_still_works_on_the_enrolment_page(alpha):
    """The session warning's script asks how long is left from every page, the enrolment page
    included: the gate lets it through instead of redirecting it."""
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    client = Client()
    password_sign_in(client, "alpha.localhost", admin)
    status = client.get("/comptes/session/", HTTP_HOST="alpha.localhost")
    assert status.status_code == 200
    assert client.get("/personnes/", HTTP_HOST="alpha.localhost").url == "/comptes/2fa/"
