"""Authentication is not isolation: an agent of one jurisdiction gets nothing on another's host."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from jurisdiction_apps.core.models import Heartbeat
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory


def host(jurisdiction) -> str:
    return f"{jurisdiction.slug}.localhost"


@pytest.fixture
def alpha_agent(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user


@pytest.fixture
def alpha_client(alpha_agent):
    client = Client()
    sign_in(client, alpha_agent)
    return client


def make_heartbeat(jurisdiction) -> Heartbeat:
    with schema_context(jurisdiction.schema_name):
        now = timezone.now()
        return Heartbeat.objects.create(
            ran_at=now,
            schema_name=jurisdiction.schema_name,
            local_time=now.isoformat(),
            time_zone=jurisdiction.time_zone,
        )


def test_member_sees_own_dashboard(alpha_client, alpha):
    response = alpha_client.get("/tableau-de-bord/", HTTP_HOST=host(alpha))
    assert response.status_code == 200
    assert "Rôle : conseiller pénitentiaire" in response.content.decode()
    assert alpha.name in response.content.decode()


def test_member_of_alpha_is_refused_on_beta(alpha_client, alpha, beta, caplog):
    response = alpha_client.get("/tableau-de-bord/", HTTP_HOST=host(beta))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Vous n'avez pas accès à cette juridiction" in body
    assert beta.name not in body.split("<main", 1)[1]
    assert alpha.name not in body
    assert any("access refused" in record.message for record in caplog.records)
    # The log names the user by id only: no e-mail address.
    assert not any("@" in record.getMessage() for record in caplog.records)


def test_api_refuses_member_of_other_jurisdiction_with_error_format(alpha_client, beta):
    response = alpha_client.get("/api/v1/moi/", HTTP_HOST=host(beta))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_member"


def test_api_token_of_other_jurisdiction_is_refused(alpha_agent, alpha, beta):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=alpha_agent)
    client = Client()
    ok = client.get("/api/v1/moi/", HTTP_HOST=host(alpha), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert ok.status_code == 200
    assert ok.json()["role"] == Role.CPIP
    refused = client.get(
        "/api/v1/moi/", HTTP_HOST=host(beta), HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "status": 403,
        "code": "permission_denied",
        "message": "Vous n'avez pas accès à cette juridiction.",
    }


def test_data_of_alpha_is_invisible_in_beta_by_query(alpha, beta):
    row = make_heartbeat(alpha)
    with schema_context(beta.schema_name):
        assert not Heartbeat.objects.filter(pk=row.pk, schema_name=alpha.schema_name).exists()
        assert Heartbeat.objects.count() == 0
    with schema_context(alpha.schema_name):
        assert Heartbeat.objects.get().schema_name == alpha.schema_name


def test_data_of_alpha_is_invisible_in_beta_by_url(alpha, beta):
    make_heartbeat(alpha)
    both = MembershipFactory(jurisdiction=alpha).user
    MembershipFactory(jurisdiction=beta, user=both)
    # One session per host, as a browser keeps its cookies (a session is bound to its host).
    on_alpha_client, on_beta_client = Client(), Client()
    sign_in(on_alpha_client, both)
    sign_in(on_beta_client, both)
    on_alpha = on_alpha_client.get("/api/v1/battements/", HTTP_HOST=host(alpha)).json()
    on_beta = on_beta_client.get("/api/v1/battements/", HTTP_HOST=host(beta)).json()
    assert [item["schema_name"] for item in on_alpha["results"]] == [alpha.schema_name]
    assert on_beta["results"] == []


def test_inactive_membership_gives_no_access(alpha):
    membership = MembershipFactory(jurisdiction=alpha, is_active=False)
    client = Client()
    sign_in(client, membership.user)
    assert client.get("/tableau-de-bord/", HTTP_HOST=host(alpha)).status_code == 403


def _tenant_urls(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if "allauth" in str(pattern.urlconf_name):
                continue  # sign-in pages: open by design, tested below
            yield from _tenant_urls(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            for converter in ("<slug:slug>", "<str:token>"):
                route = route.replace(converter, "x")
            route = route.replace("<int:pk>", "1").replace("<int:person_pk>", "1")
            yield pattern.name, "/" + route.lstrip("^").rstrip("$")


# The ProConnect hand-over is a door like the switch's: its token names the user, the membership is
# checked there (tests/accounts/test_proconnect.py).
EXPECTED_OPEN = {"home", "accept-handoff", "proconnect_relay", "stop"}


@pytest.mark.parametrize(
    ("name", "url"), list(_tenant_urls(get_resolver("saas_platform.urls_tenant")))
)
def test_every_tenant_url_refuses_a_non_member(alpha_client, beta, name, url):
    """Walks the jurisdiction URLconf: a new URL is covered the day it is added."""
    get = alpha_client.get(url, HTTP_HOST=host(beta))
    post = alpha_client.post(url, HTTP_HOST=host(beta))
    if name in EXPECTED_OPEN or url.startswith("/mon-espace/"):
        # /stop/x/: unknown token; the portal is for people followed, with their own sign-in
        # (a person's session is worth nothing on another host: tests/portal/test_access.py).
        assert get.status_code in (200, 302, 403, 404, 405)
    else:
        assert get.status_code == 403, url
        assert post.status_code == 403, url
    assert get.status_code != 500


def test_anonymous_is_sent_to_sign_in(alpha):
    response = Client().get("/tableau-de-bord/", HTTP_HOST=host(alpha))
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")
    api = Client().get("/api/v1/moi/", HTTP_HOST=host(alpha))
    assert api.status_code in (401, 403)
    assert api.json()["error"]["code"] == "not_authenticated"


def test_the_sign_out_button_of_the_not_a_member_page_signs_out(alpha_client, beta):
    """Issue 16: the button posted to a path the middleware refused (403)."""
    refused = alpha_client.get("/tableau-de-bord/", HTTP_HOST=host(beta))
    assert refused.status_code == 403
    body = refused.content.decode()
    action = re.search(r'<form method="post" action="([^"]+)">', body).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    # The same browser on beta's host (its own session there, as a browser keeps cookies).
    signed_out = alpha_client.post(action, {"csrfmiddlewaretoken": token}, HTTP_HOST=host(beta))
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in alpha_client.session
