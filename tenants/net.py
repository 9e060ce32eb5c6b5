"""The caller's address, read the same way by every limit of the platform.

Behind the platform's reverse proxies every request comes from the proxy's address: the real
client is then the entry that the outermost trusted proxy appended to ``X-Forwarded-For``, i.e.
the ``TRUSTED_PROXY_COUNT``-th from the right (entries further left were written by the client
and prove nothing). A deployment whose edge writes one trusted header (``X-Real-IP``) names it in
``TRUSTED_CLIENT_IP_HEADER`` instead. docs/deployment.md describes the chain.
"""

import ipaddress

from django.conf import settings


def _clean(value: str) -> str:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def client_address(request) -> str:
    header = getattr(settings, "TRUSTED_CLIENT_IP_HEADER", None)
    if header:
        return _clean(request.headers.get(header, "")) or request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = _clean(hops[-proxies])
            if address:
                return address
    return request.META.get("REMOTE_ADDR", "")
