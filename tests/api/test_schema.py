"""The OpenAPI schemas validate (issue 20, point 5): generated as CI would, with drf-spectacular's
``--fail-on-warn`` (an endpoint it cannot describe fails the run), then checked again with
openapi-spec-validator; both the jurisdictions' API and the national one."""

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory

URLCONFS = ["saas_platform.urls_tenant", "saas_platform.urls_public"]


def generate(urlconf: str, tmp_path) -> dict:
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--urlconf", urlconf, "--file", str(target)
    )
    return yaml.safe_load(target.read_text())


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_the_schema_validates_without_a_warning(urlconf, tmp_path):
    schema = generate(urlconf, tmp_path)
    validate(schema)
    assert schema["paths"], "no endpoint described"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_every_operation_is_described_with_its_errors(urlconf, tmp_path):
    schema = generate(urlconf, tmp_path)
    for name, operation in operations(schema):
        assert operation.get("summary"), f"{name}: no summary (French, @extend_schema)"
        responses = operation["responses"]
        ok = [code for code in responses if code.startswith("2")]
        assert ok, f"{name}: no success response"
        for code in ok:
            if code != "204":
                body = responses[code].get("content", {}).get("application/json", {})
                assert body.get("schema"), f"{name}: {code} without a schema"
                assert "Unspecified" not in str(body["schema"]), f"{name}: untyped body"
        for code in ("400", "429"):
            error = responses[code]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, f"{name}: {code}"


@pytest.mark.django_db
def test_the_served_schemas_validate(alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user)
    for served in (
        client.get("/api/schema/?format=json"),
        Client(HTTP_HOST="localhost").get("/api/schema/?format=json"),
    ):
        assert served.status_code == 200
        schema = served.json()
        validate(schema)
        assert schema["info"]["description"]


def test_a_field_that_may_be_blank_claims_no_format(tmp_path):
    """An e-mail or address that may be "" (blank=True) would not match "email" or "uri": the
    schema must not claim the format, or every blank value fails the response's validation."""
    schemas = generate("saas_platform.urls_public", tmp_path)["components"]["schemas"]
    assert "format" not in schemas["Service"]["properties"]["email"]
    assert "format" not in schemas["Partner"]["properties"]["website"]
    assert schemas["Service"]["properties"]["updated_at"]["format"] == "date-time"
