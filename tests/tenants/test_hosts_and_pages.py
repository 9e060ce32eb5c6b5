import pytest
from django.test import Client

from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import PASSWORD, MembershipFactory, UserFactory


def test_unknown_host_gets_french_404_page(db):
    response = Client().get("/", HTTP_HOST="inconnue.localhost")
    assert response.status_code == 404
    assert "Aucune juridiction ne correspond à cette adresse" in response.content.decode()


def test_unknown_host_on_any_path_is_404_not_500(db):
    for path in ("/tableau-de-bord/", "/api/v1/moi/", "/admin/", "/nimporte/quoi/"):
        assert Client().get(path, HTTP_HOST="autre.exemple.test").status_code == 404


def test_public_home_in_french_with_dsfr(db):
    response = Client().get("/", HTTP_HOST="localhost")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr"' in body
    assert "/static/dsfr/" in body  # assets served locally, no CDN
    assert "cdn" not in body.lower()


def test_jurisdiction_home_shows_branding_and_sign_in(alpha):
    body = Client().get("/", HTTP_HOST="alpha.localhost").content.decode()
    assert alpha.name in body
    assert "--jurisdiction-colour: #18753C" in body
    assert 'name="login"' in body and 'name="password"' in body


def test_sign_in_on_jurisdiction_host_leads_to_dashboard(alpha):
    membership = MembershipFactory(jurisdiction=alpha, role=Role.JAP)
    client = Client()
    response = client.post(
        "/comptes/login/",
        {"login": membership.user.email, "password": PASSWORD},
        HTTP_HOST="alpha.localhost",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/tableau-de-bord/"
    # The home names the role after "Rôle :", in lower case (not "en tant que Juge…").
    assert "Rôle : juge de l&#x27;application des peines" in response.content.decode()


def test_wrong_password_is_refused_in_french(alpha):
    membership = MembershipFactory(jurisdiction=alpha)
    response = Client().post(
        "/comptes/login/",
        {"login": membership.user.email, "password": "faux"},
        HTTP_HOST="alpha.localhost",
    )
    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects" in response.content.decode()


def test_sign_up_is_closed(db):
    response = Client().get("/comptes/signup/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "Pas d'inscription en ligne" in response.content.decode()
    assert 'name="password1"' not in response.content.decode()


def test_mfa_totp_is_available_to_agents(alpha):
    membership = MembershipFactory(jurisdiction=alpha)
    client = Client()
    client.post(
        "/comptes/login/",
        {"login": membership.user.email, "password": PASSWORD},
        HTTP_HOST="alpha.localhost",
    )
    # allauth asks for the password again before touching the second factor.
    response = client.get("/comptes/2fa/totp/activate/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/reauthenticate/")
    client.post(response["Location"], {"password": PASSWORD}, HTTP_HOST="alpha.localhost")
    response = client.get("/comptes/2fa/totp/activate/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="code"' in body
    assert "otpauth://totp/" in body or "data:image/svg+xml" in body


@pytest.mark.parametrize(
    ("traits", "expected"),
    [({"national_team": True}, 200), ({"deployment_officer": True}, 200), ({}, 403)],
)
def test_national_console_is_for_national_roles(db, traits, expected):
    client = Client()
    sign_in(client, UserFactory(**traits))
    assert client.get("/console/", HTTP_HOST="localhost").status_code == expected


def test_django_admin_on_public_host_for_staff_only(db):
    staff, agent = UserFactory(national_team=True), UserFactory()
    client = Client()
    sign_in(client, staff)
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 200
    sign_in(client, agent)
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 302
    assert client.get("/admin/", HTTP_HOST="alpha.localhost").status_code in (403, 404)


def test_public_dashboard_lists_the_agents_jurisdictions(alpha, beta):
    membership = MembershipFactory(jurisdiction=alpha, role=Role.BEX)
    MembershipFactory(jurisdiction=beta, user=membership.user, role=Role.CPIP)
    client = Client()
    sign_in(client, membership.user)
    body = client.get("/tableau-de-bord/", HTTP_HOST="localhost").content.decode()
    assert alpha.name in body and beta.name in body
    assert "http://alpha.localhost/" in body


def test_the_national_team_adjusts_sms_settings_of_a_jurisdiction_in_the_admin(alpha):
    from django.test import Client

    from tests.factories import UserFactory

    staff = UserFactory(national_team=True, is_superuser=True)
    client = Client(HTTP_HOST="localhost")
    sign_in(client, staff)
    url = f"/admin/tenants/jurisdiction/{alpha.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "sms_quiet_start" in page.content.decode()
    assert client.get("/admin/tenants/jurisdiction/add/").status_code == 403
    refused = client.post(
        url,
        {
            "name": alpha.name,
            "time_zone": alpha.time_zone,
            "phone_region": alpha.phone_region,
            "sms_sender_name": alpha.sms_sender_name,
            "sms_providers": "link,orange",
            "sms_quiet_start": "20:00",
            "sms_quiet_end": "08:00",
            "primary_colour": alpha.primary_colour,
        },
    )
    assert refused.status_code == 200
    assert "parmi : link, brevo" in refused.content.decode()
