"""Switching jurisdiction without signing in again.

Each jurisdiction has its own host, so its own session cookie. To switch, the current host stores a
random single-use token in Redis (public key space, 60 seconds) that names the user and the target
schema, and redirects to the target host, which consumes it, checks the membership and opens the
session there. The URL carries nothing but the random token.
"""

import secrets

from django.core.cache import cache
from django_tenants.utils import schema_context

TOKEN_TTL_SECONDS = 60
_PREFIX = "handoff:"


def issue_token(user_id: int, schema_name: str) -> str:
    token = secrets.token_urlsafe(32)
    with schema_context("public"):
        cache.set(_PREFIX + token, {"user_id": user_id, "schema": schema_name}, TOKEN_TTL_SECONDS)
    return token


def consume_token(token: str, schema_name: str) -> int | None:
    """The user id the token was issued for, if it is fresh, unused and meant for this schema."""
    with schema_context("public"):
        key = _PREFIX + token
        payload = cache.get(key)
        if payload is None or not cache.delete(key):
            return None  # unknown, expired, or consumed by a concurrent request
    if payload.get("schema") != schema_name:
        return None
    return payload.get("user_id")
