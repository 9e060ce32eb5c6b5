"""Switching jurisdiction without signing in again.

Each jurisdiction has its own host, so its own session cookie. To switch, the current host stores a
random single-use token in Redis (public key space, 60 seconds) that names the user and the target
schema, and redirects to the target host, which consumes it, checks the membership and opens the
session there. The URL carries nothing but the random token.

A token may carry an extra payload (a dict that JSON can hold) and has a purpose: "switch" for the
jurisdiction switch, another name for another hand-over (the ProConnect sign-in, which returns to
the public host and hands the session over to the jurisdiction host where it was asked). A token
is consumed only for its own purpose, so that a token issued for one hand-over cannot be presented
at another's door.
"""

import secrets

from django.core.cache import cache
from django_tenants.utils import schema_context

TOKEN_TTL_SECONDS = 60
_PREFIX = "handoff:"
SWITCH = "switch"
# Session values that follow the agent to the other host on a switch: the ProConnect sign-in
# (its acr, read by the MFA gate, and the ID token the logout needs).
# What a switch carries to the new host's session: the ProConnect sign-in (its acr and ID token
# for the logout), and allauth's record of the factors passed, so that an account that passed
# its second factor is not asked again seconds later on its other jurisdiction's host.
CARRIED_SESSION_KEYS = (
    "proconnect",
    "account_authentication_methods",
    "account_authentication_methods_user",
)


def issue_token(
    user_id: int, schema_name: str, extra: dict | None = None, *, purpose: str = SWITCH
) -> str:
    token = secrets.token_urlsafe(32)
    payload = {"user_id": user_id, "schema": schema_name, "purpose": purpose, "extra": extra or {}}
    with schema_context("public"):
        cache.set(_PREFIX + token, payload, TOKEN_TTL_SECONDS)
    return token


def consume_token_payload(token: str, schema_name: str, *, purpose: str = SWITCH) -> dict | None:
    """{"user_id", "extra"} of the token, if it is fresh, unused, meant for this schema and for
    this purpose; None otherwise. Consumed whatever the answer."""
    with schema_context("public"):
        key = _PREFIX + token
        payload = cache.get(key)
        if payload is None or not cache.delete(key):
            return None  # unknown, expired, or consumed by a concurrent request
    if payload.get("schema") != schema_name or payload.get("purpose", SWITCH) != purpose:
        return None
    return {"user_id": payload.get("user_id"), "extra": payload.get("extra") or {}}


def consume_token(token: str, schema_name: str) -> int | None:
    """The user id the token was issued for, if it is fresh, unused and meant for this schema."""
    payload = consume_token_payload(token, schema_name)
    return payload["user_id"] if payload else None
