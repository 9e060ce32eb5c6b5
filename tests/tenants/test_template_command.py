"""The post-deploy command that keeps the template schema of new jurisdictions up to date."""

from io import StringIO

import pytest
from django.core.management import call_command

from tenants.services import ensure_template_schema

pytestmark = pytest.mark.django_db


def test_the_template_is_built_once_then_left_alone():
    ensure_template_schema()  # whatever state the test database is in
    out = StringIO()
    call_command("prepare_jurisdiction_template", stdout=out)
    assert "already matches the migrations" in out.getvalue()
