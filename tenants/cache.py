"""Cache keys: each jurisdiction's own key space, except the few keys that are national.

django-tenants prefixes every key with the connection's schema, so that a jurisdiction never reads
another's cached pages. Sign-in limits must do the opposite: an account is one account on every
host, and its failed sign-ins are counted once across all of them (allauth's rate-limit keys start
with ``allauth:rl:``). Keys listed in NATIONAL_KEY_PREFIXES are therefore kept in the public key
space whatever the schema of the connection.
"""

from django.db import connection

NATIONAL_KEY_PREFIXES = ("allauth:rl:", "national:")


def make_key(key: str, key_prefix: str, version) -> str:
    schema = "public" if key.startswith(NATIONAL_KEY_PREFIXES) else connection.schema_name
    return f"{schema}:{key_prefix}:{version}:{key}"


def reverse_key(key: str) -> str:
    return key.split(":", 3)[3]
