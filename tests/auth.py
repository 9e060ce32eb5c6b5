"""Signing a test client in as a complete sign-in would: password, then the second factor.

``client.force_login`` opens a session that passed no factor at all; privileged accounts are then
sent to enrol (shared/accounts/second_factor.py). Tests of other behaviour sign in with
``sign_in``; the second factor's own tests use ``force_login`` or ``second_factor=False``.
"""

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)


def sign_in(client, user, *, second_factor: bool = True) -> None:
    client.force_login(user)
    if second_factor:
        session = client.session
        now = time.time()
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()


def enrol_totp(user) -> str:
    """Give the account a TOTP authenticator; return its secret (to compute codes)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


TOTP_PERIOD = 30
# A code computed in the last seconds of its 30-second window may reach the server in the next one,
# where it is refused (no tolerance is configured): wait for a fresh window instead.
TOTP_MARGIN = 5


def totp_code(secret: str) -> str:
    """The authenticator's current code, with at least TOTP_MARGIN seconds of validity left."""
    left = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if left < TOTP_MARGIN:
        time.sleep(left + 0.1)

    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))
