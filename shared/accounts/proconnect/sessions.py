"""Opening the session once a ProConnect identity is matched, and what the session keeps of it.

``request.session["proconnect"] = {"acr": ..., "id_token": ...}`` is set only when the sign-in
completes (after allauth's login stages: the TOTP step of an account that has one), for the
account that signed in: the MFA gate reads ``acr`` (settings.PROCONNECT_STRONG_ACR), the logout
sends ``id_token`` as id_token_hint. A password sign-in in the same browser drops it.
"""

from allauth.account.internal.flows.login import perform_login, record_authentication
from allauth.account.models import Login
from django.contrib.auth import logout

SESSION_KEY = "proconnect"
_PENDING_KEY = "_proconnect_pending"
METHOD = "proconnect"


def complete_sign_in(request, user, proconnect: dict, redirect_url: str):
    """Sign ``user`` in on this host through allauth's login flow; the response to send."""
    if request.user.is_authenticated and request.user.pk != user.pk:
        logout(request)
    request.session[_PENDING_KEY] = {
        "user_id": user.pk,
        "acr": proconnect.get("acr", ""),
        "id_token": proconnect.get("id_token", ""),
    }
    # Seen by allauth's reauthentication and by the MFA gate (allauth 65: flows.login).
    record_authentication(request, user, method=METHOD, acr=proconnect.get("acr") or None)
    return perform_login(request, Login(user=user, redirect_url=redirect_url))


def pending_acr(request, user) -> str:
    """The acr of the ProConnect sign-in of ``user`` under way in this session, or ''."""
    pending = request.session.get(_PENDING_KEY) or {}
    if user is None or pending.get("user_id") != user.pk:
        return ""
    return pending.get("acr") or ""


def on_user_logged_in(sender, request, user, **kwargs):
    """Receiver of django's user_logged_in: the ProConnect data of the sign-in that completed, or
    nothing (a password sign-in never inherits it)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    pending = session.pop(_PENDING_KEY, None)
    if pending and pending.get("user_id") == user.pk:
        session[SESSION_KEY] = {"acr": pending["acr"], "id_token": pending["id_token"]}
    else:
        session.pop(SESSION_KEY, None)
