"""The portal's own sign-in state, kept in the Django session of the jurisdiction's host.

A person is not a platform user: the session holds the schema and the person's id, and the time
of the last request. It is worth nothing on another host (cookies are per host) nor in another
schema (checked on every request), and it ends after IDLE_TIMEOUT_SECONDS without activity.
"""

import time
from functools import wraps

from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect, render

from jurisdiction_apps.core.digests import keyed_digest
from jurisdiction_apps.people.models import Person
from tenants.constants import JurisdictionStatus

from .constants import IDLE_TIMEOUT_SECONDS

SESSION_KEY = "portal"
PENDING_KEY = "portal_pending"


def _now() -> float:
    return time.time()


def current_person(request) -> Person | None:
    """The signed-in person of this host, or None (an idle session is closed here)."""
    data = request.session.get(SESSION_KEY)
    if not data or data.get("schema") != connection.schema_name:
        return None
    if _now() - data.get("last", 0) > IDLE_TIMEOUT_SECONDS:
        sign_out(request)
        request.portal_timed_out = True
        return None
    person = Person.objects.active().filter(pk=data.get("person")).first()
    if person is None or data.get("phone") != phone_tag(person):
        sign_out(request)  # archived, or the number changed (a lost or stolen phone)
        return None
    data["last"] = _now()
    request.session[SESSION_KEY] = data
    return person


def phone_tag(person: Person) -> str:
    """A short keyed digest of the number signed in with (no number in the session)."""
    return keyed_digest(person.phone)[:16]


def sign_in(request, person: Person) -> None:
    request.session.pop(PENDING_KEY, None)
    request.session.cycle_key()  # no session fixation
    request.session[SESSION_KEY] = {
        "schema": connection.schema_name,
        "person": person.pk,
        "phone": phone_tag(person),
        "last": _now(),
    }
    if not request.user.is_authenticated:
        request.session.set_expiry(IDLE_TIMEOUT_SECONDS)


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(PENDING_KEY, None)


def portal_is_open() -> bool:
    return getattr(connection.tenant, "status", None) == JurisdictionStatus.LIVE


def closed_response(request):
    return render(request, "portal/closed.html", status=503)


def person_required(view):
    """View decorator: a person signed in on this host's portal; sets ``request.person``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not portal_is_open():
            return closed_response(request)
        person = current_person(request)
        if person is None:
            if getattr(request, "portal_timed_out", False):
                messages.info(
                    request,
                    "Vous n'avez rien fait pendant 30 minutes : "
                    "pour vous protéger, vous êtes déconnecté. Reconnectez-vous.",
                )
            return redirect("portal:sign_in")
        request.person = person
        return view(request, *args, **kwargs)

    wrapper.portal_person_required = True
    return wrapper
