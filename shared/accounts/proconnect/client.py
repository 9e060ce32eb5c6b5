"""The OpenID Connect client of ProConnect, on Authlib's Django client.

Authlib does the protocol: the authorization URL with PKCE (S256), the state kept in the session
of the public host, the code exchange, the ID token's signature (JWKS), issuer, audience, expiry,
nonce and at_hash. This module adds what ProConnect needs beyond it: a userinfo endpoint that
answers a signed JWT (plain JSON is accepted too), the signing algorithms the platform accepts,
a lifetime for a sign-in in progress, and French-facing error kinds.
"""

import logging
import secrets
import threading
import time
from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

logger = logging.getLogger("accounts.proconnect")

NAME = "proconnect"
_SESSION_PREFIX = f"_state_{NAME}_"
_apps: dict[tuple, object] = {}
_apps_lock = threading.Lock()


class ProConnectError(Exception):
    """A sign-in that cannot go on. ``kind`` names why, for the page and the log (no personal
    data): state, provider_error, unavailable, code, id_token, userinfo."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class SignInRequest:
    """What the public host keeps, server side, between the redirect and the callback."""

    target_domain: str  # jurisdiction host where the sign-in was asked, "" for the public host
    next_path: str


@dataclass(frozen=True)
class VerifiedSignIn:
    request: SignInRequest
    id_token: str  # raw, for the logout's id_token_hint
    id_claims: dict
    userinfo: dict

    @property
    def acr(self) -> str:
        return str(self.id_claims.get("acr") or "")


def get_app():
    """The Authlib app for the current settings (one per configuration: its discovery document
    and keys are fetched once, and the keys again when an unknown key id shows up)."""
    key = (
        settings.PROCONNECT_DISCOVERY_URL,
        settings.PROCONNECT_CLIENT_ID,
        settings.PROCONNECT_CLIENT_SECRET,
        settings.PROCONNECT_SCOPES,
    )
    with _apps_lock:
        app = _apps.get(key)
        if app is None:
            oauth = OAuth()
            app = oauth.register(
                NAME,
                client_id=settings.PROCONNECT_CLIENT_ID,
                client_secret=settings.PROCONNECT_CLIENT_SECRET,
                server_metadata_url=settings.PROCONNECT_DISCOVERY_URL,
                client_kwargs={
                    "scope": settings.PROCONNECT_SCOPES,
                    "code_challenge_method": "S256",
                    "token_endpoint_auth_method": "client_secret_post",
                    "default_timeout": settings.PROCONNECT_HTTP_TIMEOUT_SECONDS,
                    # ProConnect's access token lasts 60 seconds: Authlib's default leeway (60)
                    # would take it for expired before the userinfo call.
                    "leeway": 5,
                },
            )
            _apps[key] = app
    return app


def _metadata(app) -> dict:
    try:
        metadata = app.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise ProConnectError("unavailable") from error
    # Only the algorithms the platform accepts, whatever the provider advertises (never "none",
    # never a shared-secret algorithm).
    metadata["id_token_signing_alg_values_supported"] = list(settings.PROCONNECT_SIGNING_ALGS)
    return metadata


def authorization_redirect_url(request, sign_in: SignInRequest) -> str:
    """Where to send the browser; keeps state, nonce, PKCE verifier and the target in the session
    of this (public) host."""
    app = get_app()
    _metadata(app)
    try:
        rv = app.create_authorization_url(
            settings.PROCONNECT_REDIRECT_URI,
            # ProConnect wants at least 32 characters for both.
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            acr_values=settings.PROCONNECT_ACR_VALUES,
        )
    except (requests.RequestException, AuthlibBaseError) as error:
        raise ProConnectError("unavailable") from error
    app.save_authorize_data(
        request,
        redirect_uri=settings.PROCONNECT_REDIRECT_URI,
        target_domain=sign_in.target_domain,
        next_path=sign_in.next_path,
        started_at=time.time(),
        **rv,
    )
    return rv["url"]


def pending_sign_in(request) -> SignInRequest | None:
    """The sign-in this callback answers, if its state is one this session started, unused and
    not too old."""
    state = request.GET.get("state") or ""
    entry = request.session.get(_SESSION_PREFIX + state) if state else None
    data = entry.get("data") if isinstance(entry, dict) else None
    if not data:
        return None
    if time.time() - float(data.get("started_at", 0)) > settings.PROCONNECT_STATE_TTL_SECONDS:
        request.session.pop(_SESSION_PREFIX + state, None)
        return None
    return SignInRequest(target_domain=data["target_domain"], next_path=data["next_path"])


def finish(request) -> VerifiedSignIn:
    """Check the callback, exchange the code, verify the ID token and read userinfo.

    The state is removed from the session before anything else: a callback is good once."""
    if request.GET.get("error"):
        _clear_state(request)
        raise ProConnectError("provider_error")
    sign_in = pending_sign_in(request)
    if sign_in is None or not request.GET.get("code"):
        _clear_state(request)
        raise ProConnectError("state")
    app = get_app()
    _metadata(app)
    try:
        token = app.authorize_access_token(request, leeway=60)
    except requests.RequestException as error:
        raise ProConnectError("unavailable") from error
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        # invalid_grant (unknown, expired or replayed code, PKCE refused) before the ID token;
        # a bad signature, audience, issuer, expiry or nonce after it.
        raise ProConnectError("id_token" if isinstance(error, JoseError) else "code") from error
    if "id_token" not in token or not token.get("userinfo"):
        raise ProConnectError("id_token")
    id_claims = dict(token["userinfo"])
    userinfo = _userinfo(app, token, id_claims)
    return VerifiedSignIn(
        request=sign_in, id_token=token["id_token"], id_claims=id_claims, userinfo=userinfo
    )


def _clear_state(request) -> None:
    state = request.GET.get("state") or ""
    if state:
        request.session.pop(_SESSION_PREFIX + state, None)


def _userinfo(app, token: dict, id_claims: dict) -> dict:
    """ProConnect's userinfo answers a JWT signed like the ID token (application/jwt); plain
    JSON is accepted too. Its subject must be the ID token's."""
    metadata = _metadata(app)
    try:
        response = app.get(metadata["userinfo_endpoint"], token=token)
        response.raise_for_status()
    except (requests.RequestException, AuthlibBaseError) as error:
        raise ProConnectError("userinfo") from error
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/jwt":
            claims = _decode_signed(app, metadata, response.text.strip())
        else:
            claims = response.json()
    except (JoseError, ValueError) as error:
        raise ProConnectError("userinfo") from error
    if not isinstance(claims, dict) or claims.get("sub") != id_claims.get("sub"):
        raise ProConnectError("userinfo")
    return claims


def _decode_signed(app, metadata: dict, value: str) -> dict:
    registry = JWSRegistry(algorithms=list(settings.PROCONNECT_SIGNING_ALGS))
    try:
        decoded = jwt.decode(value, KeySet.import_key_set(app.fetch_jwk_set()), registry=registry)
    except JoseError:
        keys = KeySet.import_key_set(app.fetch_jwk_set(force=True))
        decoded = jwt.decode(value, keys, registry=registry)
    claims = decoded.claims
    checks = jwt.JWTClaimsRegistry(
        leeway=60,
        iss={"essential": True, "value": metadata.get("issuer")},
        aud={"essential": True, "value": settings.PROCONNECT_CLIENT_ID},
    )
    checks.validate(claims)
    return claims


def logout_url(id_token: str, state: str) -> str:
    """The provider's end-session URL with id_token_hint, state and post_logout_redirect_uri."""
    app = get_app()
    _metadata(app)
    try:
        return app.create_logout_url(
            post_logout_redirect_uri=settings.PROCONNECT_POST_LOGOUT_REDIRECT_URI,
            id_token_hint=id_token,
            state=state,
        )["url"]
    except RuntimeError as error:  # no end_session_endpoint in the discovery document
        raise ProConnectError("unavailable") from error
