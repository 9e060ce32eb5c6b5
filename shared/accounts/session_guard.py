"""Agents' sessions: bound to the host they were opened on, closed after a time without activity.

Sessions live in the public schema's table, whichever host opened them. A cookie copied from one
jurisdiction's host and replayed on another would otherwise be a valid session there (membership
permitting). So the host is written into the session at sign-in (``user_logged_in``), or at the
first request of a session opened without a request (tests' ``force_login``); a request from any
other host flushes the session and goes on anonymous. The jurisdiction switch
(``tenants/handoff.py``) signs the agent in afresh on the target host: a new session, bound there.

Idle timeout: the time of the agent's last activity is kept in the session; after
``SESSION_IDLE_TIMEOUT_SECONDS`` without activity the next page sends the agent to the sign-in
page with a message. Requests marked ``passive`` (a page polling a progress, the warning script
asking how long is left) do not count as activity. ``SESSION_COOKIE_AGE`` stays the absolute
lifetime. The portal of the people followed keeps its own idle timeout (portal/session.py).
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.dispatch import receiver
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

logger = logging.getLogger("accounts.sessions")

HOST_KEY = "_agent_host"
ACTIVITY_KEY = "_agent_last_activity"
# The activity clock is written at most this often (one session save per request otherwise): a
# session ends between SESSION_IDLE_TIMEOUT_SECONDS and one minute more after the last page.
ACTIVITY_RESOLUTION_SECONDS = 60
# Requests that sign the agent in afresh: an expired session of this host is closed and they go on
# (the jurisdiction switch, tenants/handoff.py, mounted by saas_platform/urls_tenant.py).
FRESH_SIGN_IN_PREFIXES = ("/connexion/relais/",)
# The tag of that message: on seeing it, the drafts script (static/js/drafts.js) keeps drafts.
EXPIRED_TAG = "session-expired"
EXPIRED_MESSAGE = "Votre session a expiré après {minutes} minutes d'inactivité. Reconnectez-vous."


def _now() -> int:
    return int(time.time())


def idle_timeout() -> int:
    return settings.SESSION_IDLE_TIMEOUT_SECONDS


def expired_message() -> str:
    return EXPIRED_MESSAGE.format(minutes=max(1, idle_timeout() // 60))


def passive(view):
    """Mark a view whose requests are not the agent's activity (background polling)."""
    view.session_passive = True
    return view


def _host(request) -> str:
    return request.get_host().lower()


@receiver(user_logged_in, dispatch_uid="accounts_bind_session_to_host")
def bind_session_to_host(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    try:
        host = _host(request)
    except Exception:  # a request built without a host (tests' force_login): bound on first use
        return
    request.session[HOST_KEY] = host
    request.session[ACTIVITY_KEY] = _now()


def _is_background(request) -> bool:
    """A request of a script or an API client, not a page the agent navigates to."""
    mode = request.headers.get("Sec-Fetch-Mode")
    return (
        request.path.startswith("/api/")
        or (mode is not None and mode != "navigate")
        or request.headers.get("Accept", "").startswith("application/json")
    )


def _expired_json() -> JsonResponse:
    return JsonResponse(
        {
            "error": {"status": 401, "code": "session_expired", "message": expired_message()},
            "expired": True,
        },
        status=401,
    )


class AgentSessionMiddleware:
    """After authentication, before the membership check: refuse a session from another host,
    end an idle one, and keep the activity clock of the others."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self.guard(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        self.touch(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.session_passive = getattr(view_func, "session_passive", False)

    def guard(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # no session cookie: nothing to guard (and no session read)
        if not request.user.is_authenticated:
            return None
        session = request.session
        host = _host(request)
        bound = session.get(HOST_KEY)
        if bound is None:
            session[HOST_KEY] = host
        elif bound != host:
            # No user id, no host names: which schema saw a replayed cookie is enough.
            logger.warning(
                "session refused: opened on another host (schema %s)", connection.schema_name
            )
            session.flush()
            request.user = AnonymousUser()
            return None
        last = session.get(ACTIVITY_KEY)
        if last is None:
            session[ACTIVITY_KEY] = _now()
            return None
        if _now() - last < idle_timeout():
            return None
        if _is_background(request):
            # Refused, but the session ends on the next page the agent opens, which then says why.
            return _expired_json()
        logger.info("session closed after %s s without activity", idle_timeout())
        logout(request)
        if request.path.startswith(FRESH_SIGN_IN_PREFIXES):
            return None  # the request signs the agent in afresh: let it
        messages.warning(request, expired_message(), extra_tags=EXPIRED_TAG)
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")

    def touch(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if getattr(request, "session_passive", False):
            return
        now = _now()
        if now - request.session.get(ACTIVITY_KEY, 0) >= ACTIVITY_RESOLUTION_SECONDS:
            request.session[ACTIVITY_KEY] = now


def remaining_seconds(request) -> int:
    last = request.session.get(ACTIVITY_KEY, _now())
    return max(0, idle_timeout() - (_now() - last))


@passive
@require_GET
def session_status(request):
    """How long the agent's session has left (asked by the warning script: not activity)."""
    if not request.user.is_authenticated:
        return _expired_json()
    return JsonResponse({"remaining": remaining_seconds(request), "expired": False})


@require_POST
def session_keep_alive(request):
    """ "Rester connecté": a request like any other, which restarts the idle clock."""
    if not request.user.is_authenticated:
        return _expired_json()
    request.session[ACTIVITY_KEY] = _now()
    return JsonResponse({"remaining": idle_timeout(), "expired": False})


def session_timeout_context(request) -> dict:
    """Template context: what the warning script needs (components/session_timeout.html)."""
    return {
        "session_idle_timeout_seconds": idle_timeout(),
        "session_idle_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
    }
