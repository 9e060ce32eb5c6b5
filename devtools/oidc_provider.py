"""Local OpenID Connect provider: a stand-in for ProConnect on loopback.

Used by ``make run`` (the "Se connecter avec ProConnect" button of the demo signs in through it)
and by the tests, never the network. It speaks what the platform uses of ProConnect: discovery,
JWKS, the authorization endpoint (a small page listing the demo accounts), the token endpoint
(client secret in the body, PKCE S256 required, single-use codes of 30 seconds), a userinfo
endpoint that answers a signed JWT (``application/jwt``) as ProConnect does, and the end-session
endpoint (``id_token_hint``, ``state``, ``post_logout_redirect_uri``).

    python -m devtools.oidc_provider --port 8030 --client-id ID --client-secret SECRET \\
        [--redirect-uri URI ...] [--post-logout-redirect-uri URI ...] \\
        [--accounts-file var/oidc-provider/accounts.json] [--key-file var/oidc-provider/key.json]

In-process (tests)::

    provider = Provider(port=0, client_id="id", client_secret="secret").start()
    provider.add_account("agent@exemple.test", given_name="Camille", usual_name="Agent")
    ...
    provider.stop()

Choosing an account without the page (tests): add ``compte=<e-mail>`` to the authorization URL;
``acr=<value>`` picks the level the provider asserts (``eidas1`` by default) and ``defaut=<fault>``
makes it deliberately wrong, one of FAULTS:

- ``other_key``: the ID token is signed by a key that is not in the JWKS;
- ``other_audience``: the ID token is for another client;
- ``wrong_nonce``: the ID token carries another nonce than the one asked;
- ``expired_id_token``: the ID token expired an hour ago;
- ``expired_code``: the code has expired when the platform presents it;
- ``email_unverified``: userinfo says ``email_verified: false``;
- ``userinfo_json``: userinfo answers plain JSON instead of a signed JWT.

ProConnect sends no ``email_verified`` claim; neither does this provider unless asked by a fault.
The JOSE work (RSA keys, JWS, JWKS) is joserfc's and the PKCE and at_hash helpers are Authlib's;
the HTTP part is the standard library, as in devtools/sms_gateway.py. Every account here is
invented; no claim value is ever written to stdout.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import json
import secrets
import signal
import sys
import threading
import time
import urllib.parse
from base64 import b64decode
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

DEFAULT_PORT = 8030
DEV_CLIENT_ID = "suivi-justice-dev"
DEV_CLIENT_SECRET = "dev-proconnect-secret"
CODE_TTL_SECONDS = 30  # as ProConnect
ACCESS_TOKEN_TTL_SECONDS = 60
ID_TOKEN_TTL_SECONDS = 300
ACR_VALUES = ("eidas1", "eidas2", "eidas3")
# The identity claims ProConnect returns, each asked by a scope of the same name.
IDENTITY_CLAIMS = ("email", "given_name", "usual_name", "uid", "siret", "idp_id")
FAULTS = (
    "other_key",
    "other_audience",
    "wrong_nonce",
    "expired_id_token",
    "expired_code",
    "email_unverified",
    "userinfo_json",
)
# An invented SIRET (14 digits), the same for every demo account.
DEMO_SIRET = "00000000000001"
DEMO_IDP_ID = "fi-local"
MAX_BODY = 64 * 1024


@dataclass
class Account:
    email: str
    given_name: str
    usual_name: str
    label: str = ""

    @property
    def uid(self) -> str:
        return "uid-" + hashlib.sha256(self.email.lower().encode()).hexdigest()[:12]


@dataclass
class Grant:
    account: Account
    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    acr: str
    fault: str
    expires_at: float
    access_token: str = ""
    used: bool = False
    scopes: list[str] = field(default_factory=list)


class Provider:
    """The provider and its HTTP server (``start()`` runs it in a thread)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        client_id: str = DEV_CLIENT_ID,
        client_secret: str = DEV_CLIENT_SECRET,
        redirect_uris: list[str] | None = None,
        post_logout_redirect_uris: list[str] | None = None,
        accounts: list[Account] | None = None,
        key_file: str | None = None,
        public_host: str | None = None,
        quiet: bool = True,
    ):
        self.host = host
        self.port = port
        self.public_host = public_host  # the host name the browser uses (localhost in make run)
        self.client_id = client_id
        self.client_secret = client_secret
        # Empty: any redirect URI is accepted (tests build theirs); else an exact match.
        self.redirect_uris = list(redirect_uris or [])
        self.post_logout_redirect_uris = list(post_logout_redirect_uris or [])
        self.accounts: dict[str, Account] = {}
        for account in accounts or []:
            self.accounts[account.email.lower()] = account
        self.key = _load_or_create_key(key_file, kid="local-1")
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "other-1", "alg": "RS256"})
        self.quiet = quiet
        self._lock = threading.Lock()
        self._codes: dict[str, Grant] = {}
        self._tokens: dict[str, Grant] = {}
        self.logouts: list[dict] = []  # end-session calls received (tests read them)
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # --- life cycle -----------------------------------------------------------------------------
    def start(self) -> Provider:
        handler = type("Handler", (_Handler,), {"provider": self})
        self.server = ThreadingHTTPServer((self.host, self.port), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None

    @property
    def url(self) -> str:
        return f"http://{self.public_host or self.host}:{self.port}/"

    @property
    def issuer(self) -> str:
        return self.url.rstrip("/")

    @property
    def discovery_url(self) -> str:
        return self.url + ".well-known/openid-configuration"

    def add_account(self, email: str, given_name: str = "Camille", usual_name: str = "Agent"):
        account = Account(email=email, given_name=given_name, usual_name=usual_name)
        with self._lock:
            self.accounts[email.lower()] = account
        return account

    def reset(self) -> None:
        with self._lock:
            self._codes.clear()
            self._tokens.clear()
            self.logouts.clear()

    def log(self, line: str) -> None:
        if not self.quiet:
            print(line, flush=True)

    # --- documents ------------------------------------------------------------------------------
    def discovery(self) -> dict:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": base + "/authorize",
            "token_endpoint": base + "/token",
            "userinfo_endpoint": base + "/userinfo",
            "end_session_endpoint": base + "/session/end",
            "jwks_uri": base + "/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "scopes_supported": ["openid", *IDENTITY_CLAIMS],
            "claims_supported": ["sub", *IDENTITY_CLAIMS, "acr", "amr"],
            "acr_values_supported": list(ACR_VALUES),
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False)]}

    def sub_for(self, account: Account) -> str:
        # Stable per client and account, like ProConnect's (one per service and identity provider).
        return hashlib.sha256(f"{self.client_id}:{account.email.lower()}".encode()).hexdigest()

    # --- authorization --------------------------------------------------------------------------
    def authorize(self, params: dict[str, str]) -> tuple[int, dict, str]:
        """(status, headers, HTML body) of the authorization endpoint."""
        error = self._check_authorization_request(params)
        if error:
            return 400, {}, _page("Demande refusée", f"<p>{html.escape(error)}</p>")
        email = params.get("compte", "").strip().lower()
        if not email:
            return 200, {}, self._chooser(params)
        account = self.accounts.get(email)
        if account is None:
            return 400, {}, _page("Compte inconnu", "<p>Ce compte n'existe pas ici.</p>")
        acr = params.get("acr") or "eidas1"
        fault = params.get("defaut", "")
        if acr not in ACR_VALUES or (fault and fault not in FAULTS):
            return 400, {}, _page("Demande refusée", "<p>Niveau ou défaut inconnu.</p>")
        code = secrets.token_urlsafe(32)
        ttl = -1 if fault == "expired_code" else CODE_TTL_SECONDS
        grant = Grant(
            account=account,
            client_id=params["client_id"],
            redirect_uri=params["redirect_uri"],
            nonce=params["nonce"],
            code_challenge=params["code_challenge"],
            acr=acr,
            fault=fault,
            expires_at=time.time() + ttl,
            scopes=params.get("scope", "").split(),
        )
        with self._lock:
            self._codes[code] = grant
        location = _add_query(params["redirect_uri"], {"code": code, "state": params["state"]})
        return 302, {"Location": location}, ""

    def _check_authorization_request(self, params: dict[str, str]) -> str:
        if params.get("client_id") != self.client_id:
            return "client_id inconnu."
        if params.get("response_type") != "code":
            return "response_type doit valoir code."
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri or (self.redirect_uris and redirect_uri not in self.redirect_uris):
            return "redirect_uri non enregistrée."
        if "openid" not in params.get("scope", "").split():
            return "Le scope openid est obligatoire."
        for name in ("state", "nonce"):
            if len(params.get(name, "")) < 32:
                return f"{name} doit compter au moins 32 caractères."
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE (code_challenge, méthode S256) est obligatoire."
        return ""

    def _chooser(self, params: dict[str, str]) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
            if k not in ("compte", "acr")
        )
        rows = []
        for account in sorted(self.accounts.values(), key=lambda a: a.email):
            label = html.escape(account.label or f"{account.given_name} {account.usual_name}")
            email = html.escape(account.email)
            rows.append(
                "<li><form method='get' action='/authorize'>"
                f"{hidden}<input type='hidden' name='compte' value='{email}'>"
                f"<button type='submit' name='acr' value='eidas1'>{email}</button> "
                f"<button type='submit' name='acr' value='eidas2'>{email} (double facteur, "
                f"eidas2)</button> <span>{label}</span></form></li>"
            )
        body = (
            "<p>Fournisseur d'identité local de développement (remplace ProConnect). "
            "Choisissez un compte de démonstration ; « double facteur » simule une connexion "
            "forte (acr eidas2).</p>"
            f"<ul>{''.join(rows)}</ul>"
        )
        return _page("Connexion — fournisseur d'identité local", body)

    # --- token ----------------------------------------------------------------------------------
    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict]:
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            try:
                decoded = b64decode(authorization[6:]).decode()
                client_id, client_secret = (urllib.parse.unquote(p) for p in decoded.split(":", 1))
            except (ValueError, UnicodeDecodeError):
                return 401, {"error": "invalid_client"}
        if client_id != self.client_id or not hmac.compare_digest(
            client_secret.encode(), self.client_secret.encode()
        ):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant.expires_at < time.time() or grant.client_id != client_id:
            return 400, {"error": "invalid_grant", "error_description": "code inconnu ou expiré"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri différente"}
        verifier = form.get("code_verifier", "")
        if not verifier or not hmac.compare_digest(
            create_s256_code_challenge(verifier), grant.code_challenge
        ):
            return 400, {"error": "invalid_grant", "error_description": "code_verifier refusé"}
        access_token = secrets.token_urlsafe(32)
        grant.access_token = access_token
        with self._lock:
            self._tokens[access_token] = grant
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_TTL_SECONDS,
            "id_token": self._id_token(grant),
        }

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.sub_for(grant.account),
            "aud": "another-service" if grant.fault == "other_audience" else grant.client_id,
            "iat": now,
            "exp": now - 3600 if grant.fault == "expired_id_token" else now + ID_TOKEN_TTL_SECONDS,
            "auth_time": now,
            "nonce": secrets.token_urlsafe(32) if grant.fault == "wrong_nonce" else grant.nonce,
            "acr": grant.acr,
            "amr": ["pwd", "totp", "mfa"] if grant.acr != "eidas1" else ["pwd"],
            "idp_id": DEMO_IDP_ID,
            "at_hash": create_half_hash(grant.access_token, "RS256").decode(),
        }
        key = self.other_key if grant.fault == "other_key" else self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)

    # --- userinfo -------------------------------------------------------------------------------
    def userinfo(self, authorization: str) -> tuple[int, str, str]:
        """(status, content type, body)."""
        token = authorization[7:] if authorization.startswith("Bearer ") else ""
        with self._lock:
            grant = self._tokens.get(token)
        if grant is None:
            return 401, "application/json", json.dumps({"error": "invalid_token"})
        account = grant.account
        claims = {
            "sub": self.sub_for(account),
            "email": account.email,
            "given_name": account.given_name,
            "usual_name": account.usual_name,
            "uid": account.uid,
            "siret": DEMO_SIRET,
            "idp_id": DEMO_IDP_ID,
        }
        if grant.fault == "email_unverified":
            claims["email_verified"] = False
        if grant.fault == "userinfo_json":
            return 200, "application/json", json.dumps(claims)
        now = int(time.time())
        claims.update(iss=self.issuer, aud=grant.client_id, iat=now, exp=now + 60)
        signed = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        return 200, "application/jwt", signed

    # --- end session ----------------------------------------------------------------------------
    def end_session(self, params: dict[str, str]) -> tuple[int, dict, str]:
        hint = params.get("id_token_hint", "")
        try:
            claims = jwt.decode(hint, KeySet([self.key])).claims if hint else None
        except (JoseError, ValueError):
            claims = None
        if claims is None or claims.get("iss") != self.issuer:
            return 400, {}, _page("Déconnexion refusée", "<p>id_token_hint invalide.</p>")
        redirect_uri = params.get("post_logout_redirect_uri", "")
        if self.post_logout_redirect_uris and redirect_uri not in self.post_logout_redirect_uris:
            return 400, {}, _page("Déconnexion refusée", "<p>URI de retour non enregistrée.</p>")
        with self._lock:
            self.logouts.append(
                {"sub": claims.get("sub"), "state": params.get("state"), "uri": redirect_uri}
            )
        if not redirect_uri:
            return 200, {}, _page("Déconnecté", "<p>Vous êtes déconnecté.</p>")
        location = _add_query(redirect_uri, {"state": params.get("state", "")})
        return 302, {"Location": location}, ""


class _Handler(BaseHTTPRequestHandler):
    provider: Provider
    server_version = "local-oidc-provider"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # one line per request below, without its query string (codes, tokens)

    def _path(self) -> tuple[str, dict[str, str]]:
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))

    def do_GET(self):
        path, params = self._path()
        provider = self.provider
        if path == "/.well-known/openid-configuration":
            self._json(200, provider.discovery())
        elif path == "/jwks":
            self._json(200, provider.jwks())
        elif path == "/authorize":
            status, headers, body = provider.authorize(params)
            self._send(status, "text/html; charset=utf-8", body.encode(), headers)
        elif path == "/userinfo":
            status, content_type, body = provider.userinfo(self.headers.get("Authorization", ""))
            self._send(status, content_type, body.encode())
        elif path == "/session/end":
            status, headers, body = provider.end_session(params)
            self._send(status, "text/html; charset=utf-8", body.encode(), headers)
        else:
            self._json(404, {"error": "not_found"})
        provider.log(f"oidc-provider: GET {path} {self._status}")

    def do_POST(self):
        path, _ = self._path()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": "too_large"})
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        if path == "/token":
            status, payload = self.provider.token(form, self.headers.get("Authorization", ""))
            self._json(status, payload, {"Cache-Control": "no-store"})
        else:
            self._json(404, {"error": "not_found"})
        self.provider.log(f"oidc-provider: POST {path} {self._status}")

    def _json(self, status: int, payload: dict, headers: dict | None = None):
        self._send(status, "application/json", json.dumps(payload).encode(), headers)

    def _send(self, status: int, content_type: str, body: bytes, headers: dict | None = None):
        self._status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><main>"
        f"<h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )


def _add_query(url: str, params: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _load_or_create_key(path: str | None, kid: str) -> RSAKey:
    """The signing key, kept in a file between runs when a path is given."""
    if path:
        file = Path(path)
        if file.exists():
            return RSAKey.import_key(json.loads(file.read_text()))
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})
    if path:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(key.as_dict(private=True)))
        file.chmod(0o600)
    return key


def load_accounts(path: str | None) -> list[Account]:
    """Accounts from a JSON list of {email, given_name, usual_name, label} (written by make run)."""
    if not path or not Path(path).exists():
        return []
    return [Account(**item) for item in json.loads(Path(path).read_text())]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.oidc_provider",
        description="Local OpenID Connect provider standing in for ProConnect.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--public-host", default="localhost", help="host name in its URLs")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--client-id", default=DEV_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEV_CLIENT_SECRET)
    parser.add_argument("--redirect-uri", action="append", default=[])
    parser.add_argument("--post-logout-redirect-uri", action="append", default=[])
    parser.add_argument("--accounts-file", default=None)
    parser.add_argument("--key-file", default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    provider = Provider(
        host=args.host,
        port=args.port,
        public_host=args.public_host,
        client_id=args.client_id,
        client_secret=args.client_secret,
        redirect_uris=args.redirect_uri,
        post_logout_redirect_uris=args.post_logout_redirect_uri,
        accounts=load_accounts(args.accounts_file),
        key_file=args.key_file,
        quiet=False,
    )
    try:
        provider.start()
    except OSError as error:
        print(f"oidc-provider: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    provider.log(f"oidc-provider: listening on {provider.url} ({len(provider.accounts)} accounts)")
    while not done.wait(0.5):
        pass
    provider.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
