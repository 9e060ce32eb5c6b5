"""API keys (issue 20): a jurisdiction's systems call the API with a key that acts as a named
service account with a role of the role table; local admins create, rotate and revoke them."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.response import Response
from rest_framework.views import APIView

from jurisdiction_apps.organisation.models import Place, PlaceAudit
from saas_platform.urls_tenant import urlpatterns as tenant_urlpatterns
from tenants import api_keys
from tenants.api.permissions import ActionPermission
from tenants.constants import Role
from tenants.models import JurisdictionAPIKey, Membership
from tenants.permissions import Action
from tests.auth import sign_in
from tests.factories import MembershipFactory


class PlaceWrite(APIView):
    """A tiny write through the API's real stack (authentication, ActionPermission, pghistory's
    middleware): what every resource's writes go through."""

    permission_classes = [ActionPermission]
    action_permissions = {"POST": Action.MANAGE_PLACES}

    def post(self, request):
        place = Place.objects.create(name="Antenne créée par l'API")
        return Response({"id": place.pk}, status=201)


urlpatterns = [path("api/v1/essai-ecriture/", PlaceWrite.as_view()), *tenant_urlpatterns]


def new_key(jurisdiction, role=Role.CPIP, *, days=30, created_by=None, name="Logiciel APPI"):
    return api_keys.create_key(
        jurisdiction,
        name=name,
        role=role,
        expiry_date=timezone.now() + timedelta(days=days),
        created_by=created_by,
    )


def call(key, host="alpha.localhost", path="/api/v1/moi/", client=None):
    return (client or Client()).get(path, HTTP_HOST=host, HTTP_AUTHORIZATION=f"Api-Key {key}")


def error(response):
    return response.json()["error"]


# --- the key in the API --------------------------------------------------------------------------
def test_a_new_key_is_stored_hashed_with_a_visible_prefix_and_acts_with_its_role(alpha):
    api_key, key = new_key(alpha, Role.GREFF_SAP)
    prefix, _, secret = key.partition(".")
    assert api_key.prefix == prefix and len(prefix) == 8
    stored = JurisdictionAPIKey.objects.get(pk=api_key.pk)
    assert secret not in stored.hashed_key and key not in stored.pk
    assert stored.hashed_key.startswith("sha512$$")
    account = stored.service_account
    assert account.is_service_account and not account.has_usable_password()
    assert account.email == f"cle-{prefix.lower()}@api.invalid"
    response = call(key)
    assert response.status_code == 200
    assert response.json()["user_id"] == account.pk
    assert response.json()["role"] == Role.GREFF_SAP


def test_an_unknown_or_forged_key_gets_401_in_the_error_format(alpha):
    api_key, _ = new_key(alpha)
    for forged in (f"{api_key.prefix}.{'x' * 32}", "nimporte-quoi", "inconnu1.abc", ""):
        response = call(forged)
        assert response.status_code == 401, forged
        assert response["WWW-Authenticate"] == "Api-Key"
        assert error(response) == {
            "status": 401,
            "code": "authentication_failed",
            "message": "Identifiants invalides.",
        }
    anonymous = Client().get("/api/v1/moi/", HTTP_HOST="alpha.localhost")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Api-Key"
    assert error(anonymous)["code"] == "not_authenticated"


def test_a_revoked_key_gets_401_key_revoked(alpha):
    api_key, key = new_key(alpha)
    api_keys.revoke_key(api_key)
    response = call(key)
    assert response.status_code == 401
    assert error(response)["code"] == "key_revoked"
    assert error(response)["message"].startswith("Clé d'API révoquée")
    # Its account leaves the jurisdiction: nothing acts under it any more.
    assert not Membership.objects.active().filter(user=api_key.service_account).exists()


def test_an_expired_key_gets_401_key_expired(alpha):
    api_key, key = new_key(alpha)
    JurisdictionAPIKey.objects.filter(pk=api_key.pk).update(
        expiry_date=timezone.now() - timedelta(seconds=1)
    )
    response = call(key)
    assert response.status_code == 401
    assert error(response)["code"] == "key_expired"
    assert error(response)["message"].startswith("Clé d'API expirée")


def test_a_key_of_another_jurisdiction_gets_403(alpha, beta):
    _, key = new_key(alpha, Role.LOCAL_ADMIN)
    assert call(key, "alpha.localhost").status_code == 200
    refused = call(key, "beta.localhost")
    assert refused.status_code == 403
    assert error(refused) == {
        "status": 403,
        "code": "permission_denied",
        "message": "Vous n'avez pas accès à cette juridiction.",
    }


@override_settings(ROOT_URLCONF=__name__)
def test_a_role_without_the_right_gets_403_and_changes_nothing(alpha):
    _, key = new_key(alpha, Role.CPIP)  # CPIP may not manage places
    response = Client().post(
        "/api/v1/essai-ecriture/", HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Api-Key {key}"
    )
    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"
    assert error(response)["message"] == "Votre rôle ne permet pas cette action."
    with tenant_context(alpha):
        assert not Place.objects.filter(name="Antenne créée par l'API").exists()


@override_settings(ROOT_URLCONF=__name__)
def test_a_write_through_a_key_is_audited_under_its_service_account(alpha):
    api_key, key = new_key(alpha, Role.DPIP)
    response = Client().post(
        "/api/v1/essai-ecriture/", HTTP_HOST="alpha.localhost", HTTP_AUTHORIZATION=f"Api-Key {key}"
    )
    assert response.status_code == 201, response.content
    with tenant_context(alpha):
        event = PlaceAudit.objects.select_related("pgh_context").get(
            pgh_obj_id=response.json()["id"]
        )
        assert event.pgh_label == "insert"
        assert event.pgh_context.metadata["user"] == api_key.service_account_id
        assert event.pgh_context.metadata["url"] == "/api/v1/essai-ecriture/"


def test_last_use_is_written_at_most_once_a_minute(alpha):
    api_key, key = new_key(alpha)
    assert api_key.last_used_at is None
    call(key)
    first = JurisdictionAPIKey.objects.get(pk=api_key.pk).last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=10)
    call(key)
    assert JurisdictionAPIKey.objects.get(pk=api_key.pk).last_used_at == first
    a_while_ago = timezone.now() - timedelta(minutes=2)
    JurisdictionAPIKey.objects.filter(pk=api_key.pk).update(last_used_at=a_while_ago)
    call(key)
    assert JurisdictionAPIKey.objects.get(pk=api_key.pk).last_used_at > a_while_ago


def test_rotation_revokes_the_old_key_and_keeps_account_and_role(alpha):
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    old, old_key = new_key(alpha, Role.BEX)
    new, new_key_value = api_keys.rotate_key(old, acting_user=admin)
    assert new.service_account_id == old.service_account_id
    assert new.prefix != old.prefix and new.created_by == admin
    assert error(call(old_key))["code"] == "key_revoked"
    response = call(new_key_value)
    assert response.status_code == 200
    assert response.json()["role"] == Role.BEX
    with pytest.raises(api_keys.APIKeyError):
        api_keys.rotate_key(old, acting_user=admin)


@pytest.fixture
def fresh_counters():
    """Throttle counters live in Redis, beyond the test's transaction: a user id of an earlier
    run (ids restart with the test database) must not find its counter there."""
    cache.clear()


def test_a_key_is_throttled_per_key_with_retry_after(alpha, settings, fresh_counters):
    settings.API_THROTTLE_RATES = {"key": "3/minute", "user": "100/minute", "anon": "100/minute"}
    _, key = new_key(alpha)
    _, other_key = new_key(alpha, name="Outil d'audiencement")
    assert [call(key).status_code for _ in range(3)] == [200, 200, 200]
    refused = call(key)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 60
    assert error(refused)["code"] == "throttled"
    assert error(refused)["retry_after"] == wait
    # Another key (even of the same jurisdiction) has its own counter.
    assert call(other_key).status_code == 200


def test_a_session_is_throttled_per_user_and_not_by_the_key_rate(alpha, settings, fresh_counters):
    settings.API_THROTTLE_RATES = {"key": "100/minute", "user": "2/minute", "anon": "100/minute"}
    client = Client()
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user)
    statuses = [client.get("/api/v1/moi/", HTTP_HOST="alpha.localhost").status_code for _ in "abc"]
    assert statuses == [200, 200, 429]


def test_a_service_account_is_not_listed_among_agents(alpha):
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    api_key, _ = new_key(alpha, Role.CPIP)
    assert not Membership.objects.agents().filter(user=api_key.service_account).exists()
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, admin)
    page = client.get("/organisation/agents/").content.decode()
    assert "api.invalid" not in page


# --- the local admin's pages ---------------------------------------------------------------------
@pytest.fixture
def admin_client(alpha):
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, admin)
    client.admin = admin
    return client


def expiry_in(days, jurisdiction):
    return (timezone.localdate(timezone=jurisdiction.zone) + timedelta(days=days)).isoformat()


def test_an_admin_creates_a_key_shown_once_and_never_in_the_list(alpha, admin_client):
    response = admin_client.post(
        "/pilotage/cles-api/nouvelle/",
        {"name": "Logiciel APPI", "role": Role.GREFF_SAP, "expiry": expiry_in(90, alpha)},
    )
    api_key = JurisdictionAPIKey.objects.get(jurisdiction=alpha)
    assert response.status_code == 302
    assert response["Location"] == f"/pilotage/cles-api/{api_key.prefix}/cle/"
    shown = admin_client.get(response["Location"]).content.decode()
    key = shown.split('id="api-key" type="text" value="')[1].split('"')[0]
    assert key.startswith(api_key.prefix + ".")
    assert "Copiez la clé maintenant" in shown
    assert call(key).json()["role"] == Role.GREFF_SAP
    assert api_key.created_by == admin_client.admin
    assert timezone.localtime(api_key.expiry_date, alpha.zone).date().isoformat() == expiry_in(
        90, alpha
    )
    again = admin_client.get(response["Location"]).content.decode()
    assert key not in again and "ne peut plus l'être" in again
    listing = admin_client.get("/pilotage/cles-api/").content.decode()
    assert key not in listing and api_key.prefix in listing
    assert "Greffier (SAP)" in listing and "Logiciel APPI" in listing and "/api/docs/" in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "role": Role.CPIP}, "name", "Indiquez le nom du système"),
        ({"name": "X", "role": "pape"}, "role", "Rôle inconnu."),
        ({"name": "X", "role": Role.CPIP, "expiry": "demain"}, "expiry", "Date invalide"),
        ({"name": "X", "role": Role.CPIP, "expiry": "2001-01-01"}, "expiry", "après aujourd'hui"),
        ({"name": "X" * 51, "role": Role.CPIP}, "name", "50 caractères au plus."),
    ],
)
def test_bad_input_creates_nothing_and_says_why_in_french(
    alpha, admin_client, data, field, message
):
    data = {"expiry": expiry_in(30, alpha), **data}
    response = admin_client.post("/pilotage/cles-api/nouvelle/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'class="fr-error-text"' in response.content.decode()
    assert not JurisdictionAPIKey.objects.exists()


def test_an_expiry_over_three_years_is_refused(alpha, admin_client):
    response = admin_client.post(
        "/pilotage/cles-api/nouvelle/",
        {"name": "X", "role": Role.CPIP, "expiry": expiry_in(4 * 366, alpha)},
    )
    assert "trois ans au plus" in response.content.decode()
    assert not JurisdictionAPIKey.objects.exists()


def test_an_admin_rotates_and_revokes_a_key_from_the_pages(alpha, admin_client):
    api_key, key = new_key(alpha, Role.BEX)
    assert admin_client.get(f"/pilotage/cles-api/{api_key.prefix}/renouveler/").status_code == 200
    response = admin_client.post(f"/pilotage/cles-api/{api_key.prefix}/renouveler/")
    new = JurisdictionAPIKey.objects.get(jurisdiction=alpha, revoked=False)
    assert response["Location"] == f"/pilotage/cles-api/{new.prefix}/cle/"
    new_value = admin_client.get(response["Location"]).content.decode()
    new_value = new_value.split('id="api-key" type="text" value="')[1].split('"')[0]
    assert error(call(key))["code"] == "key_revoked"
    assert call(new_value).json()["role"] == Role.BEX
    admin_client.post(f"/pilotage/cles-api/{new.prefix}/revoquer/")
    assert error(call(new_value))["code"] == "key_revoked"
    new.refresh_from_db()
    assert new.revoked_by == admin_client.admin and new.revoked_at is not None
    assert JurisdictionAPIKey.objects.get(pk=api_key.pk).revoked_by == admin_client.admin
    # Revoking twice says so and changes nothing.
    again = admin_client.post(f"/pilotage/cles-api/{new.prefix}/revoquer/", follow=True)
    assert "déjà révoquée" in again.content.decode()


def test_a_key_of_another_jurisdiction_is_not_found_in_the_pages(alpha, beta, admin_client):
    api_key, key = new_key(beta)
    assert admin_client.get(f"/pilotage/cles-api/{api_key.prefix}/revoquer/").status_code == 404
    assert admin_client.post(f"/pilotage/cles-api/{api_key.prefix}/revoquer/").status_code == 404
    assert call(key, "beta.localhost").status_code == 200


@pytest.mark.parametrize("role", [Role.DPIP, Role.CPIP, Role.DIR_GREFF_SAP])
def test_the_pages_refuse_who_is_not_local_admin(alpha, role):
    api_key, _ = new_key(alpha)
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=role).user)
    assert client.get("/pilotage/cles-api/").status_code == 403
    payload = {"name": "X", "role": Role.LOCAL_ADMIN, "expiry": expiry_in(30, alpha)}
    assert client.post("/pilotage/cles-api/nouvelle/", payload).status_code == 403
    assert client.post(f"/pilotage/cles-api/{api_key.prefix}/revoquer/").status_code == 403
    assert client.post(f"/pilotage/cles-api/{api_key.prefix}/renouveler/").status_code == 403
    assert JurisdictionAPIKey.objects.get().revoked is False
    assert JurisdictionAPIKey.objects.count() == 1
