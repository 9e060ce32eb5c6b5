"""Production settings fail closed (issue 16): they refuse to load without their environment, the
deployed entry points never fall back to development settings, and `check --deploy` passes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A made-up complete production environment (nothing here is a real secret).
COMPLETE = {
    "DJANGO_SETTINGS_MODULE": "saas_platform.settings.prod",
    "DJANGO_SECRET_KEY": "made-up-for-tests-9f8e7d6c5b4a3f2e1d0c-Zq8pL2vN5xR7-unique-enough",
    "DJANGO_ALLOWED_HOSTS": ".suivi.example.gouv.fr",
    "PLATFORM_DOMAIN": "suivi.example.gouv.fr",
    "DATABASE_URL": "postgres://justice@db.invalid:5432/justice",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "SMS_LINK_URL": "https://sms.example.invalid/restapi/v1/sms/send",
    "SMS_LINK_USER": "made-up-user",
    "SMS_LINK_PASSWORD": "made-up-password",
    "SMS_BREVO_API_KEY": "made-up-brevo-key",
    "SMS_BREVO_WEBHOOK_URL": "https://suivi.example.gouv.fr/sms/accuses/brevo/",
    "SMS_LINK_WEBHOOK_SECRET": "made-up-link-webhook-secret",
    "SMS_BREVO_WEBHOOK_TOKEN": "made-up-brevo-webhook-token",
    "PERSON_INDEX_SECRET": "made-up-person-index-secret-4b7e9c1d2a6f8e3b",
}
# Variables of this machine that would leak into the child and hide a missing one.
CLEARED = (*COMPLETE, "DJANGO_DEBUG", "SENTRY_DSN", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run(args: list[str], **env_changes) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env.update(COMPLETE)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings_and_a_complete_environment():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_settings_have_hsts_preload_and_a_strict_policy():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_PRELOAD, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG, s.ALLOWED_HOSTS);"
        "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    result = run(["-c", "import django; django.setup();" + code])
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == "True True False ['.suivi.example.gouv.fr']"
    assert "https://*.suivi.example.gouv.fr" in second and "*" not in second.replace("*.", "")


@pytest.mark.parametrize(
    "name",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "PLATFORM_DOMAIN",
        "DATABASE_URL",
        "REDIS_URL",
        "SMS_LINK_USER",
        "SMS_LINK_PASSWORD",
        "SMS_BREVO_API_KEY",
        "SMS_LINK_WEBHOOK_SECRET",
        "SMS_BREVO_WEBHOOK_TOKEN",
        "PERSON_INDEX_SECRET",
    ],
)
@pytest.mark.parametrize("value", [None, "", "  "], ids=["missing", "empty", "blank"])
def test_production_refuses_to_start_without_a_variable(name, value):
    result = run(["manage.py", "check"], **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr
    assert "saas_platform.settings.prod refuses to load" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_SECRET_KEY", "insecure-development-key-change-me"),
        ("DJANGO_SECRET_KEY", "too-short-a-key"),
        ("DJANGO_ALLOWED_HOSTS", "*"),
        ("SMS_BREVO_WEBHOOK_TOKEN", "short"),
        ("PERSON_INDEX_SECRET", "insecure-person-index-secret-change-me"),
        ("PERSON_INDEX_SECRET", "too-short-for-an-index-secret"),
        # The index's keys must not be computable from the Django secret (nor the reverse).
        ("PERSON_INDEX_SECRET", COMPLETE["DJANGO_SECRET_KEY"]),
    ],
)
def test_production_refuses_weak_values(name, value):
    result = run(["manage.py", "check"], **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


@pytest.mark.parametrize("entry_point", ["saas_platform.wsgi", "saas_platform.asgi"])
def test_deployed_entry_points_never_fall_back_to_development_settings(entry_point):
    # No DJANGO_SETTINGS_MODULE and no environment: the production settings refuse to load.
    missing = dict.fromkeys(COMPLETE)
    result = run(["-c", f"import {entry_point}"], **missing)
    assert result.returncode != 0
    assert "saas_platform.settings.prod refuses to load" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_celery_app_defaults_to_production_settings():
    result = run(
        ["-c", "import os, saas_platform.celery as c; print(os.environ['DJANGO_SETTINGS_MODULE'])"],
        DJANGO_SETTINGS_MODULE=None,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "saas_platform.settings.prod"
    # ... which refuse to load without their environment when the worker reads its settings.
    missing = dict.fromkeys(COMPLETE)
    result = run(["-c", "from saas_platform.celery import app; app.conf.broker_url"], **missing)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_development_settings_are_explicit_for_developers():
    """manage.py keeps the development settings as its default (make run sets them anyway)."""
    result = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG, bool(settings.SECRET_KEY))",
        ],
        DJANGO_SETTINGS_MODULE="saas_platform.settings.dev",
        DJANGO_SECRET_KEY=None,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"
