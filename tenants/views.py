"""Pages of a jurisdiction host: home with sign-in, switching jurisdiction. The agent's home
after sign-in ("dashboard") is jurisdiction_apps/casefile's, which lists the agent's other
jurisdictions with ``memberships_with_links``."""

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .handoff import CARRIED_SESSION_KEYS, consume_token_payload, issue_token
from .models import Membership
from .urls_helpers import host_url, jurisdiction_home_url

logger = logging.getLogger("tenants.access")


def memberships_with_links(request):
    memberships = (
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("jurisdiction")
        .prefetch_related("jurisdiction__domains")
        .order_by("jurisdiction__name")
    )
    current = getattr(request, "tenant", None)
    return [
        {
            "membership": membership,
            "is_current": current is not None and membership.jurisdiction_id == current.pk,
            "url": jurisdiction_home_url(request, membership.jurisdiction),
        }
        for membership in memberships
    ]


def home(request):
    if request.user.is_authenticated and request.membership is not None:
        return redirect("dashboard")
    return render(request, "tenants/home.html")


@login_required
@require_POST
def switch(request, slug):
    """Go to another jurisdiction of the agent, already signed in there."""
    membership = get_object_or_404(
        Membership.objects.active().select_related("jurisdiction"),
        user=request.user,
        jurisdiction__slug=slug,
    )
    target = membership.jurisdiction
    carried = {key: request.session[key] for key in CARRIED_SESSION_KEYS if key in request.session}
    token = issue_token(request.user.pk, target.schema_name, extra={"session": carried})
    domain = target.primary_domain_name()
    return redirect(host_url(request, domain, f"/connexion/relais/{token}/"))


def accept_handoff(request, token):
    payload = consume_token_payload(token, connection.schema_name)
    user_id = payload["user_id"] if payload else None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not Membership.objects.for_host(user, request.tenant).exists():
        logger.warning("handoff refused")
        messages.error(request, "Ce lien de changement de juridiction a expiré. Connectez-vous.")
        return redirect("account_login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    carried = payload["extra"].get("session") or {}
    for key in CARRIED_SESSION_KEYS:
        if key in carried:
            request.session[key] = carried[key]
    # Where the issuer sends the agent on this host (the officer's checklist links): a path of
    # this host only, carried in the token's server-side payload, never in the URL.
    target = payload["extra"].get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("dashboard")
