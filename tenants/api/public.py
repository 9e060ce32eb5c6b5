"""Base of the national read-only API (public host, /api/v1/): open data, read by anyone.

No authentication is read (a session cookie or a key changes nothing), every request is counted
per address (API_THROTTLE_RATES["public"], 429 with Retry-After over it), and the answers are
kept in the cache under a version that changes when the data does (``cache_version``): the
public site's approach (shared/public_site/cache.py), applied to the serialised data after the
throttle, so that a cached answer is still counted."""

import hashlib
import logging

from django.core.cache import cache
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from .throttling import SettingsRateMixin

logger = logging.getLogger(__name__)

TIMEOUT = 6 * 3600


class AddressRateThrottle(SettingsRateMixin, SimpleRateThrottle):
    """Requests per client address, whoever is calling."""

    scope = "public"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicAPIMixin:
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    cache_prefix = "public_api"

    def cache_version(self) -> str:
        """Changes whenever the data behind the answers does (each view says how)."""
        raise NotImplementedError

    def fresh(self, request, *args, **kwargs):
        """The answer computed from the database (a list view's by default)."""
        return super().get(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            url = request.build_absolute_uri()
            digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
            key = f"{self.cache_prefix}:{self.cache_version()}:{digest}"
            stored = cache.get(key)
        except Exception:  # Redis down: answered without the cache
            logger.warning("public API cache unavailable", exc_info=True)
            return self.fresh(request, *args, **kwargs)
        if stored is not None:
            return Response(stored, headers={"X-Cache": "hit"})
        response = self.fresh(request, *args, **kwargs)
        if response.status_code == 200:
            try:
                cache.set(key, response.data, timeout=TIMEOUT)
            except Exception:
                logger.warning("public API cache unavailable", exc_info=True)
            response["X-Cache"] = "miss"
        return response
