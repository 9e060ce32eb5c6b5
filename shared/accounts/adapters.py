"""allauth adapter: invitation-only accounts, sign-in limits that hold nationally.

- Failed sign-ins are counted per account across every host (the rate-limit keys are national,
  tenants/cache.py) and per address behind the documented proxy chain (tenants/net.py).
- On a jurisdiction host, an account without an active membership there fails exactly as a wrong
  password would (same message, counted the same): a host is not an oracle of passwords.
- A refused attempt says how long to wait, writes a log line without personal data and is counted
  for /health/ (sign_in_refusals).
"""

import logging
import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError

from tenants import net
from tenants.models import Membership

logger = logging.getLogger("accounts.sign_in")

RATE_APP = "allauth.account"
RATE_ACTION = "login_failed"
# Refusals are counted in ten-minute buckets; /health/ adds up the last six.
REFUSALS_KEY = "national:sign-in-refusals:{bucket}"
REFUSALS_BUCKET_SECONDS = 600


def count_refusal() -> None:
    key = REFUSALS_KEY.format(bucket=int(time.time() // REFUSALS_BUCKET_SECONDS))
    try:
        if not cache.add(key, 1, timeout=REFUSALS_BUCKET_SECONDS * 7):
            cache.incr(key)
    except Exception:  # the count is monitoring, never a reason to fail a sign-in
        logger.warning("sign-in refusal not counted (cache unavailable)")


def refusals_last_hour() -> int:
    now = int(time.time() // REFUSALS_BUCKET_SECONDS)
    keys = [REFUSALS_KEY.format(bucket=bucket) for bucket in range(now - 5, now + 1)]
    return sum(value or 0 for value in cache.get_many(keys).values())


def wait_message(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Trop de tentatives de connexion infructueuses. Pour protéger ce compte, la connexion "
        f"est suspendue : réessayez dans {minutes} {unit}."
    )


class AgentAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the service (invitation, import), never by open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_stages(self) -> list[str]:
        """allauth's stages, its MFA step aware of a strong ProConnect sign-in."""
        return [
            "shared.accounts.second_factor.AuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def get_client_ip(self, request) -> str:
        address = net.client_address(request)
        return address or super().get_client_ip(request)

    # --- Limits ------------------------------------------------------------------------------
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """One key per account, whatever the host (allauth's own key starts with the host)."""
        login = credentials.get("email", credentials.get("username", "")) or ""
        return f"account:{login.strip().lower()}"

    def _blocking_rate(self, request, cache_key: str) -> tuple[str, float]:
        """Which limit refuses (``"account"`` or ``"address"``) and the seconds to wait."""
        now = time.time()
        worst = ("account", 0.0)
        for rate in ratelimit.get_rates(app=RATE_APP, action=RATE_ACTION):
            key = ratelimit.get_cache_key(
                request, app=RATE_APP, action=RATE_ACTION, rate=rate, key=cache_key
            )
            history = [stamp for stamp in cache.get(key, []) if stamp > now - rate.duration]
            if len(history) >= rate.amount:
                # History is newest first: the hit that must expire is the amount-th one.
                wait = history[rate.amount - 1] + rate.duration - now
                if wait > worst[1]:
                    worst = ("account" if rate.per == "key" else "address", wait)
        return worst

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            cache_key = self._get_login_attempts_cache_key(request, **credentials)
            scope, wait = self._blocking_rate(request, cache_key)
            logger.warning("sign-in refused: too many failures (per %s), %d s to wait", scope, wait)
            count_refusal()
            raise ValidationError(wait_message(wait), code="too_many_login_attempts") from None

    # --- Which accounts may sign in here -----------------------------------------------------
    @staticmethod
    def may_sign_in_here(request, user) -> bool:
        """On a jurisdiction host, only its members; on the public host, any active account."""
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_public:
            return True
        return Membership.objects.for_host(user, tenant).exists()

    def authenticate(self, request, **credentials):
        from allauth.account.auth_backends import AuthenticationBackend
        from django.contrib.auth import authenticate

        self.pre_authenticate(request, **credentials)
        AuthenticationBackend.unstash_authenticated_user()
        user = authenticate(request, **credentials)
        user = user or AuthenticationBackend.unstash_authenticated_user()
        if user is not None and not self.may_sign_in_here(request, user):
            logger.info("sign-in refused: account without membership on this host")
            user = None
        if user is not None:
            # A success takes back this attempt's count (not the earlier failures'), as allauth.
            self._rollback_login_failed_rl_usage()
        else:
            self.authentication_failed(request, **credentials)
        return user
