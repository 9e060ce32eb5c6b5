"""ProConnect's pages. The flow starts and returns on the public host (one redirect URI for the
platform); a sign-in asked on a jurisdiction host ends there through a single-use hand-over
token (tenants/handoff.py). See ADR 0016."""

import logging
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import schema_context

from tenants.handoff import consume_token_payload, issue_token
from tenants.models import Membership
from tenants.urls_helpers import host_url

from . import client
from .services import SignInRefused, jurisdiction_for_domain, record_identity, resolve_account
from .sessions import SESSION_KEY, complete_sign_in

logger = logging.getLogger("accounts.proconnect")

HANDOFF_PURPOSE = "proconnect"
_LOGOUT_PREFIX = "proconnect-logout:"
LOGOUT_STATE_TTL_SECONDS = 600

FAILED = (
    "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre "
    "adresse électronique et votre mot de passe."
)
MESSAGES = {
    "refused": FAILED,
    "code": FAILED,
    "id_token": FAILED,
    "userinfo": FAILED,
    "state": (
        "Cette demande de connexion a expiré ou a déjà servi. Recommencez la connexion avec "
        "ProConnect."
    ),
    "provider_error": (
        "La connexion avec ProConnect a été interrompue. Recommencez, ou connectez-vous avec "
        "votre adresse électronique et votre mot de passe."
    ),
    "unavailable": (
        "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes, ou "
        "connectez-vous avec votre adresse électronique et votre mot de passe."
    ),
    "email_unverified": (
        "ProConnect n'a pas confirmé que cette adresse électronique est vérifiée : la connexion "
        "est refusée. Connectez-vous avec votre mot de passe ou adressez-vous à votre "
        "administrateur local."
    ),
    "unknown_account": (
        "Aucun compte n'est ouvert pour cette adresse électronique sur Suivi justice. Les comptes "
        "sont ouverts par votre service : demandez à votre administrateur local de vous inviter."
    ),
}


def safe_next_path(value: str | None) -> str:
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(value, set()):
        return value
    return ""


def _failure(request, kind: str, target_domain: str = ""):
    logger.warning("proconnect sign-in refused: %s", kind)
    retry = "/comptes/login/"
    if target_domain:
        retry = host_url(request, target_domain, retry)
    status = 503 if kind == "unavailable" else 403
    return render(
        request,
        "proconnect/failed.html",
        {"message": MESSAGES.get(kind, FAILED), "retry_url": retry},
        status=status,
    )


@require_GET
def start(request):
    """Public host: send the browser to ProConnect, for this host or for ``hote`` (a known
    jurisdiction domain, kept in the session, never read back from the provider's answer)."""
    if not settings.PROCONNECT_ENABLED:
        raise Http404
    callback = urlsplit(settings.PROCONNECT_REDIRECT_URI)
    if request.get_host() != callback.netloc:
        # The state lives in the session of the callback's host: start there.
        return redirect(f"{callback.scheme}://{callback.netloc}{request.get_full_path()}")
    domain = (request.GET.get("hote") or "").strip().lower()
    if domain and jurisdiction_for_domain(domain) is None:
        return _failure(request, "refused")
    sign_in = client.SignInRequest(
        target_domain=domain, next_path=safe_next_path(request.GET.get("next"))
    )
    try:
        url = client.authorization_redirect_url(request, sign_in)
    except client.ProConnectError as error:
        return _failure(request, error.kind, domain)
    return redirect(url)


@require_GET
def callback(request):
    """Public host: the provider's answer. Opens a session here, or hands it over to the
    jurisdiction host where the sign-in was asked."""
    if not settings.PROCONNECT_ENABLED:
        raise Http404
    pending = client.pending_sign_in(request)
    target = pending.target_domain if pending else ""
    try:
        sign_in = client.finish(request)
    except client.ProConnectError as error:
        return _failure(request, error.kind, target)
    jurisdiction = jurisdiction_for_domain(target) if target else None
    if target and jurisdiction is None:
        return _failure(request, "refused")
    try:
        user = resolve_account(sign_in, jurisdiction)
    except SignInRefused as refusal:
        return _failure(request, refusal.kind, target)
    record_identity(user, sign_in)
    proconnect = {"acr": sign_in.acr, "id_token": sign_in.id_token}
    next_path = sign_in.request.next_path
    if jurisdiction is None:
        return complete_sign_in(
            request, user, proconnect, next_path or resolve_url(settings.LOGIN_REDIRECT_URL)
        )
    token = issue_token(
        user.pk,
        jurisdiction.schema_name,
        extra={"proconnect": proconnect, "next": next_path},
        purpose=HANDOFF_PURPOSE,
    )
    return redirect(host_url(request, target, f"/connexion/relais/proconnect/{token}/"))


@require_GET
def relay(request, token):
    """Jurisdiction host: the hand-over of a ProConnect sign-in checked on the public host."""
    payload = consume_token_payload(token, connection.schema_name, purpose=HANDOFF_PURPOSE)
    user_id = payload["user_id"] if payload else None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    proconnect = payload["extra"].get("proconnect") if payload else None
    if (
        user is None
        or not proconnect
        or not Membership.objects.for_host(user, request.tenant).exists()
    ):
        logger.warning("proconnect hand-over refused")
        messages.error(request, MESSAGES["state"])
        return redirect("account_login")
    next_path = safe_next_path(payload["extra"].get("next")) or reverse("dashboard")
    return complete_sign_in(request, user, proconnect, next_path)


@require_POST
def logout_view(request):
    """Any host: end the session here and, when it was opened through ProConnect, at ProConnect
    too (id_token_hint), which then sends the browser back to the public host's post-logout page."""
    proconnect = request.session.get(SESSION_KEY) or {}
    id_token = proconnect.get("id_token") if isinstance(proconnect, dict) else None
    return_url = request.build_absolute_uri("/")
    logout(request)
    if not id_token or not settings.PROCONNECT_ENABLED:
        return redirect("home")
    state = secrets.token_urlsafe(32)
    with schema_context("public"):
        cache.set(_LOGOUT_PREFIX + state, return_url, LOGOUT_STATE_TTL_SECONDS)
    try:
        return redirect(client.logout_url(id_token, state))
    except client.ProConnectError:
        logger.warning("proconnect logout: provider unavailable, signed out here only")
        return redirect("home")


@require_GET
def logout_done(request):
    """Public host: back from ProConnect's logout; the state names the host to return to."""
    state = request.GET.get("state") or ""
    return_url = None
    if state:
        with schema_context("public"):
            return_url = cache.get(_LOGOUT_PREFIX + state)
            cache.delete(_LOGOUT_PREFIX + state)
    return redirect(return_url or "/")
