from django.conf import settings

from tenants.urls_helpers import host_url


def public_site(request):
    """Where the information site is: links of the footer and the portal point there."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return {"public_site_base": ""}
    return {"public_site_base": host_url(request, settings.PLATFORM_DOMAIN, "")}
