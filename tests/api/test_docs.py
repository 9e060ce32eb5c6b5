"""The API's documentation pages (issue 20, point 4): Swagger UI and Redoc from our own static
files (drf-spectacular-sidecar), under the platform's Content-Security-Policy, on jurisdiction
hosts (members, as the schema) and on the public host (anyone)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


@pytest.fixture
def agent_client(alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user)
    return client


def assert_served_locally(response) -> None:
    assert response.status_code == 200, response.content[:300]
    html = response.content.decode()
    assert not EXTERNAL.search(html), "a resource from another origin (CDN, fonts)"
    scripts = SCRIPT.findall(html)
    assert len(scripts) >= 2
    for attributes, body in scripts:
        assert body.strip() == "", "an inline script (the CSP refuses it)"
        src = re.search(r'src="([^"]+)"', attributes).group(1)
        if src == "/api-docs/redoc.js":
            continue  # the sidecar's Redoc, served without its CDN logo (tested below)
        assert src.startswith("/static/"), src
        assert finders.find(src.removeprefix("/static/")), f"{src} is not one of our static files"
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "http" not in script_src
    assert "default-src 'self'" in policy


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_of_a_jurisdiction_load_our_static_files_only(agent_client, path):
    response = agent_client.get(path)
    assert_served_locally(response)
    assert 'data-schema-url="/api/schema/"' in response.content.decode()


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_of_the_public_host_are_open_to_all(path):
    response = Client(HTTP_HOST="localhost").get(path)
    assert_served_locally(response)


def test_swagger_keeps_the_strict_style_policy_redoc_allows_its_runtime_styles(agent_client):
    swagger = agent_client.get("/api/docs/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in swagger
    redoc = agent_client.get("/api/redoc/")["Content-Security-Policy"]
    style_src = re.search(r"style-src ([^;]+)", redoc).group(1)
    assert "'unsafe-inline'" in style_src and "nonce-" not in style_src
    assert "'unsafe-inline'" not in re.search(r"script-src ([^;]+)", redoc).group(1)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/", "/api/schema/"])
def test_a_jurisdiction_s_schema_and_docs_are_for_its_members(alpha, beta, path):
    assert (
        Client(HTTP_HOST="alpha.localhost").get(path).status_code == 401
    )  # not signed in: authentication required
    stranger = Client(HTTP_HOST="alpha.localhost")
    sign_in(stranger, MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN).user)
    assert stranger.get(path).status_code == 403


def test_the_public_schema_describes_the_national_api_only():
    response = Client(HTTP_HOST="localhost").get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "API Suivi justice — données nationales"
    assert set(schema["paths"]) == {
        "/api/v1/statistiques/",
        "/api/v1/services/",
        "/api/v1/reinsertion/",
    }


@pytest.mark.parametrize("host", ["alpha.localhost", "localhost"])
def test_redoc_s_script_is_the_sidecar_s_without_its_cdn_logo(host):
    client = Client(HTTP_HOST=host)
    response = client.get("/api-docs/redoc.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=86400" in response["Cache-Control"]
    script = response.content
    assert b"cdn.redoc.ly" not in script
    with open(finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"), "rb") as f:
        original = f.read()
    assert b"cdn.redoc.ly" in original
    assert len(original) - len(script) == len(b"https://cdn.redoc.ly/redoc/logo-mini.svg")
    again = client.get("/api-docs/redoc.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
