"""Base of the national read-only API (public host, /api/v1/): open data, read by anyone.

No authentication is read (a session cookie or a key changes nothing), every request is counted
per address (API_THROTTLE_RATES["public"], 429 with Retry-After over it), and the answers are
kept in the cache under a version that changes when the data does (``cache_version``): the
public site's approach (shared/public_site/cache.py), applied to the serialised data after the
throttle, so that a cached answer is still counted.

Browsers and proxies may keep a 200 for BROWSER_MAX_AGE (``Cache-Control: public``, the only API
answers without no-store: saas_platform/headers.py) and revalidate it with its ``ETag``, which is
the data version and the URL: ``If-None-Match`` with the current one gets a 304 without a body.
Errors (400, 429) are never stored."""

import hashlib
import logging

from django.core.cache import cache
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, quote_etag
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from .throttling import SettingsRateMixin

logger = logging.getLogger(__name__)

TIMEOUT = 6 * 3600
BROWSER_MAX_AGE = 300  # open data: five minutes late at most, then a cheap revalidation


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
            version = self.cache_version()
            key = f"{self.cache_prefix}:{version}:{digest}"
            stored = cache.get(key)
        except Exception:  # Redis down: answered without the cache
            logger.warning("public API cache unavailable", exc_info=True)
            return self.fresh(request, *args, **kwargs)
        etag = quote_etag(f"{version}.{digest}")
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return self._shareable(Response(status=304), etag)
        if stored is not None:
            return self._shareable(Response(stored, headers={"X-Cache": "hit"}), etag)
        response = self.fresh(request, *args, **kwargs)
        if response.status_code == 200:
            try:
                cache.set(key, response.data, timeout=TIMEOUT)
            except Exception:
                logger.warning("public API cache unavailable", exc_info=True)
            response["X-Cache"] = "miss"
            self._shareable(response, etag)
        return response

    @staticmethod
    def _shareable(response, etag: str):
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
        return response
