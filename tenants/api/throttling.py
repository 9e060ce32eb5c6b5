"""Request limits of the API (issue 16), read from settings at each request so that a deployment
(and a test) sets them: API_THROTTLE_RATES = {"user": "...", "anon": "..."}. Counters live in the
cache, whose keys carry the schema: a user's limit holds per jurisdiction host, an address's too.
Over the limit: 429 with Retry-After, in the API's error format (errors.py)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class SettingsRateMixin:
    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]


class AgentRateThrottle(SettingsRateMixin, UserRateThrottle):
    scope = "user"


class AnonymousRateThrottle(SettingsRateMixin, AnonRateThrottle):
    scope = "anon"
