"""SMS providers behind one small interface (base.py), one adapter per provider.

``get_provider(name)`` builds the adapter from ``settings.SMS_PROVIDERS``; each jurisdiction tries
them in its own order (``Jurisdiction.sms_provider_order``).
"""

from functools import cache

from django.conf import settings

from .base import Outcome, OutgoingSms, ProviderError, SendResult, SmsProvider
from .brevo import BrevoProvider
from .link import LinkMobilityProvider

ADAPTERS = {"link": LinkMobilityProvider, "brevo": BrevoProvider}

__all__ = ["Outcome", "OutgoingSms", "ProviderError", "SendResult", "SmsProvider", "get_provider"]


@cache
def _build(name: str, options: tuple) -> SmsProvider:
    return ADAPTERS[name](**dict(options))


def get_provider(name: str) -> SmsProvider:
    options = settings.SMS_PROVIDERS.get(name)
    if name not in ADAPTERS or options is None:
        raise ProviderError(f"unknown SMS provider {name!r}")
    return _build(name, tuple(sorted(options.items())))
