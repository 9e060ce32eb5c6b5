"""Request limits of the API (issues 16 and 20), read from settings at each request so that a
deployment (and a test) sets them: API_THROTTLE_RATES = {"key": "...", "user": "...", "anon":
"..."}. A call with an API key counts against its key (scope "key", whatever other keys of the
same account do); an agent's session or token against the agent (scope "user"); an anonymous call
against its address (scope "anon"). Counters live in the cache, whose keys carry the schema: a
limit holds per jurisdiction host. Over the limit: 429 with Retry-After, in the API's error format
(errors.py)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from tenants.models import JurisdictionAPIKey


def api_key_of(request) -> JurisdictionAPIKey | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, JurisdictionAPIKey) else None


class SettingsRateMixin:
    def get_rate(self):
        rates = settings.API_THROTTLE_RATES
        # A deployment that names no "key" rate gives keys the agents' rate.
        return rates.get(self.scope) or rates["user"]


class APIKeyRateThrottle(SettingsRateMixin, SimpleRateThrottle):
    scope = "key"

    def get_cache_key(self, request, view):
        api_key = api_key_of(request)
        if api_key is None:
            return None
        # The prefix identifies the key (unique) without putting its hash in the cache's keys.
        return self.cache_format % {"scope": self.scope, "ident": api_key.prefix}


class AgentRateThrottle(SettingsRateMixin, UserRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if api_key_of(request) is not None:
            return None  # counted per key (APIKeyRateThrottle)
        return super().get_cache_key(request, view)


class AnonymousRateThrottle(SettingsRateMixin, AnonRateThrottle):
    scope = "anon"
