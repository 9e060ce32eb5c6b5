"""Keyed digests (HMAC-SHA256 with the secret key): what is kept of codes, numbers in keys and
sessions, so that the value itself is never stored."""

import hashlib
import hmac

from django.conf import settings


def keyed_digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
