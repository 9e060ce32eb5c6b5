"""A second factor, required of the accounts that can see or change the most.

Local admins, directors (DPIP, directors of the court registries), deployment officers, the
national team and every staff or superuser account must pass a second factor before any page:

- allauth's MFA (TOTP, a security key or passkey through WebAuthn, a recovery code), recorded in
  the session by allauth as an authentication of method ``mfa``;
- or a ProConnect sign-in at a strong level: ``request.session["proconnect"]["acr"]`` in
  ``settings.PROCONNECT_STRONG_ACR`` (the identity provider checked a second factor itself).

Such an account with no authenticator is sent to enrol; one with an authenticator whose session
did not use it (a ProConnect sign-in at a weak level, a session handed over without it) is asked
for a code. allauth's own login stage already asks the code after a password of an enrolled
account. The API answers 403 in its error format instead of redirecting.
"""

import logging

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa import stages as allauth_mfa_stages
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from tenants.constants import MANAGER_ROLES
from tenants.models import Membership

logger = logging.getLogger("accounts.second_factor")

# Pages a signed-in account may reach before its second factor: enrolling or passing it, leaving.
EXEMPT_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_login",
        "account_reauthenticate",
        "accept-handoff",
        "account_session_status",
        "account_session_keep_alive",
    }
)
EXEMPT_URL_PREFIXES = ("mfa_",)
EXEMPT_PATH_PREFIXES = ("/static/", "/mon-espace/", "/stop/")

ENROL_MESSAGE = (
    "Votre rôle donne accès à des données sensibles : activez une double authentification "
    "(application d'authentification ou clé de sécurité) pour continuer."
)
VERIFY_MESSAGE = "Confirmez votre identité avec votre second facteur pour continuer."


def requires_second_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or user.national_role:
        return True
    return Membership.objects.active().filter(user=user, role__in=MANAGER_ROLES).exists()


def proconnect_acr_is_strong(request) -> bool:
    proconnect = request.session.get("proconnect") or {}
    return proconnect.get("acr") in getattr(settings, "PROCONNECT_STRONG_ACR", ())


def second_factor_passed(request) -> bool:
    """Did this session pass a second factor (allauth MFA, or a strong ProConnect sign-in)?"""
    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    return proconnect_acr_is_strong(request)


def has_authenticator(user) -> bool:
    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def record_second_factor(request, user, **extra) -> None:
    """Mark the session as having passed a second factor (enrolment, a handed-over session)."""
    record_authentication(request, user, "mfa", **extra)


def _is_exempt(request) -> bool:
    if request.path.startswith(EXEMPT_PATH_PREFIXES):
        return True
    try:
        match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return False
    name = match.url_name or ""
    return name in EXEMPT_URL_NAMES or name.startswith(EXEMPT_URL_PREFIXES)


class SecondFactorMiddleware:
    """Send a privileged account that has not passed a second factor to enrol or to pass it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not second_factor_passed(request)
            and not _is_exempt(request)
            and requires_second_factor(user)
        ):
            return self.refuse(request, user)
        return self.get_response(request)

    @staticmethod
    def refuse(request, user):
        enrolled = has_authenticator(user)
        logger.info("second factor required (%s)", "verify" if enrolled else "enrol")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "status": 403,
                        "code": "second_factor_required",
                        "message": VERIFY_MESSAGE if enrolled else ENROL_MESSAGE,
                    }
                },
                status=403,
            )
        if enrolled:
            messages.info(request, VERIFY_MESSAGE)
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.path})}")
        messages.warning(request, ENROL_MESSAGE)
        return redirect("mfa_index")


class AuthenticateStage(allauth_mfa_stages.AuthenticateStage):
    """allauth's "type your code" step after the first factor, skipped when that first factor was
    a ProConnect sign-in at a strong level (the identity provider checked a second factor)."""

    def _should_handle(self, request) -> bool:
        from .proconnect.sessions import pending_acr

        if pending_acr(request, self.login.user) in getattr(settings, "PROCONNECT_STRONG_ACR", ()):
            return False
        return super()._should_handle(request)
