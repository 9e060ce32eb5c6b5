import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django_tenants.middleware.main import TenantMainMiddleware

from .models import Membership
from .observability import tag_jurisdiction

logger = logging.getLogger("tenants.access")

# Paths a signed-in user without a membership may still reach on a jurisdiction host (sign-out
# too: see open_prefixes). The STOP page of SMS links and the portal are for the people followed,
# who have no account.
OPEN_PREFIXES = (
    "/static/",
    "/connexion/relais/",
    "/stop/",
    "/mon-espace/",
)


# URL names a non-member may still reach: signing out (the button of the "not a member" page).
OPEN_URL_NAMES = ("account_logout",)


# What the deployment officer's temporary access (Membership.onboarding_access, ADR 0017) reaches,
# by URL name (reversed, never hard-coded): the places, agendas and slot templates of the
# organisation section and the SMS texts; plus the account pages (sign-out, second factor) and
# the idle warning's routes.
ONBOARDING_ACCESS_URL_NAMES = (
    "organisation:places",
    "organisation:agendas",
    "organisation:slot_templates",
    "notifications:templates",
)
ONBOARDING_ACCESS_PREFIXES = ("/comptes/",)


def onboarding_access_prefixes() -> tuple[str, ...]:
    return ONBOARDING_ACCESS_PREFIXES + tuple(reverse(name) for name in ONBOARDING_ACCESS_URL_NAMES)


def open_prefixes() -> tuple[str, ...]:
    """OPEN_PREFIXES plus the paths of OPEN_URL_NAMES, reversed (never hard-coded: allauth's
    logout is ``/comptes/logout/``, not a French path)."""
    return OPEN_PREFIXES + tuple(reverse(name) for name in OPEN_URL_NAMES)


class JurisdictionHostMiddleware(TenantMainMiddleware):
    """Select the jurisdiction's schema from the host (/health/ is answered before, by
    saas_platform.health.HealthMiddleware)."""

    def no_tenant_found(self, request, hostname):
        logger.info("unknown host requested")
        return render(request, "errors/unknown_host.html", status=404)


class MembershipMiddleware:
    """On a jurisdiction host: activate its time zone and refuse signed-in non-members (403).

    Authentication is not isolation: a session opened on one jurisdiction's host is worth nothing
    on another's unless a membership says so. The API checks the same rule in its permission
    class (token authentication happens inside DRF, after this middleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        tenant = getattr(request, "tenant", None)
        tag_jurisdiction(connection.schema_name)
        if tenant is None or tenant.is_public:
            timezone.deactivate()
            return self.get_response(request)

        timezone.activate(tenant.zone)
        try:
            user = request.user
            if user.is_authenticated:
                request.membership = (
                    Membership.objects.for_host(user, tenant).select_related("jurisdiction").first()
                )
                if request.membership is None and not request.path.startswith(open_prefixes()):
                    return self.refuse(request, user)
                if (
                    request.membership is not None
                    and request.membership.onboarding_access
                    and not request.path.startswith(open_prefixes() + onboarding_access_prefixes())
                ):
                    return self.refuse_outside_onboarding_access(request)
            return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def refuse(request, user):
        logger.warning(
            "access refused: user %s has no membership here (path %s)", user.pk, request.path
        )
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "status": 403,
                        "code": "not_a_member",
                        "message": "Vous n'avez pas accès à cette juridiction.",
                    }
                },
                status=403,
            )
        return render(request, "errors/not_a_member.html", status=403)

    @staticmethod
    def refuse_outside_onboarding_access(request):
        """The officer's temporary access opens a few pages only: the others say which."""
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "status": 403,
                        "code": "onboarding_access_only",
                        "message": "Votre accès temporaire de mise en service n'ouvre pas l'API.",
                    }
                },
                status=403,
            )
        from django.conf import settings

        from .urls_helpers import host_url

        checklist = reverse(
            "onboarding:checklist",
            urlconf=settings.PUBLIC_SCHEMA_URLCONF,
            kwargs={"slug": request.tenant.slug},
        )
        return render(
            request,
            "errors/onboarding_access_only.html",
            {"checklist_url": host_url(request, settings.PLATFORM_DOMAIN, checklist)},
            status=403,
        )
