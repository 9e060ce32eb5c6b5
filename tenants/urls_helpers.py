from django.conf import settings


def host_url(request, domain: str, path: str = "/") -> str:
    """An absolute URL on another host of the platform, with this request's scheme and port."""
    host = request.get_host()
    port = host.rsplit(":", 1)[1] if ":" in host else settings.PLATFORM_PORT
    netloc = f"{domain}:{port}" if port and port not in ("80", "443") else domain
    return f"{request.scheme}://{netloc}{path}"


def jurisdiction_home_url(request, jurisdiction) -> str | None:
    """The home page of a jurisdiction on its primary domain (domains may be prefetched)."""
    domains = list(jurisdiction.domains.all())
    primary = next((d for d in domains if d.is_primary), domains[0] if domains else None)
    return host_url(request, primary.domain) if primary else None


def platform_url(domain: str, path: str = "/") -> str:
    """An absolute URL built outside a request (SMS links): PLATFORM_SCHEME and PLATFORM_PORT."""
    port = settings.PLATFORM_PORT
    netloc = f"{domain}:{port}" if port and port not in ("80", "443") else domain
    return f"{settings.PLATFORM_SCHEME}://{netloc}{path}"
