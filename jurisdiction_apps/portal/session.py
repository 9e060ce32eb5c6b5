"""The portal's own sign-in state, kept in the Django session of the jurisdiction's host.

A person is not a platform user: the session holds the schema and the person's id, and the time
of the last request. It is worth nothing on another host (cookies are per host) nor in another
schema (checked on every request), and it ends after ``PORTAL_IDLE_TIMEOUT_SECONDS`` (30 minutes)
without activity. The Django session itself outlives that by EXPIRED_NOTICE_SECONDS, so that the
next page knows the portal session expired (rather than never existed) and says so; a warning
script asks how long is left (``remaining_seconds``, not activity) and offers "Rester connecté".
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect, render

from jurisdiction_apps.core.digests import keyed_digest
from jurisdiction_apps.people.models import Person
from tenants.constants import JurisdictionStatus

from .constants import EXPIRED_NOTICE_SECONDS

SESSION_KEY = "portal"
PENDING_KEY = "portal_pending"
# The tag of the message that says why the person is on the sign-in page again: the drafts script
# (static/js/drafts.js) keeps what was typed when it sees it.
EXPIRED_TAG = "session-expired"
EXPIRED_MESSAGE = (
    "Votre session a expiré après {minutes} minutes sans activité : pour vous protéger, "
    "vous êtes déconnecté. Reconnectez-vous."
)


def _now() -> float:
    return time.time()


def idle_timeout() -> int:
    return settings.PORTAL_IDLE_TIMEOUT_SECONDS


def expired_message() -> str:
    return EXPIRED_MESSAGE.format(minutes=max(1, idle_timeout() // 60))


def say_expired(request) -> None:
    messages.info(request, expired_message(), extra_tags=EXPIRED_TAG)


TRANSFERRED_MESSAGE = (
    "Votre suivi est maintenant assuré par {service} : vous êtes déconnecté de cet espace. "
    "Connectez-vous à l'espace personnel de {service} avec le même numéro de portable.{contact}"
)


def transferred_message(jurisdiction) -> str:
    contact = jurisdiction.service_contact.strip()
    return TRANSFERRED_MESSAGE.format(
        service=jurisdiction.display_name,
        contact=f" Pour le joindre : {contact}" if contact else "",
    )


def say_where_followed(request) -> bool:
    """After a transfer signed the person out: tell them which service follows them now."""
    jurisdiction = getattr(request, "portal_transferred_to", None)
    if jurisdiction is None:
        return False
    messages.info(request, transferred_message(jurisdiction))
    return True


def _data(request) -> dict | None:
    data = request.session.get(SESSION_KEY)
    if not data or data.get("schema") != connection.schema_name:
        return None
    return data


def remaining_seconds(request) -> int:
    """Seconds before the portal session of this host ends for inactivity (0: ended or none).
    Reads the session without touching it: asking is not activity."""
    data = _data(request)
    if data is None:
        return 0
    return max(0, int(idle_timeout() - (_now() - data.get("last", 0))))


def current_person(request) -> Person | None:
    """The signed-in person of this host, or None (an idle session is closed here)."""
    data = _data(request)
    if data is None:
        return None
    if _now() - data.get("last", 0) > idle_timeout():
        sign_out(request)
        request.portal_timed_out = True
        return None
    person = Person.objects.active().filter(pk=data.get("person")).first()
    if person is None or data.get("phone") != phone_tag(person):
        sign_out(request)  # archived, or the number changed (a lost or stolen phone)
        if person is None:
            # Transferred to another jurisdiction (issue 19): say which service follows them now.
            moved = (
                Person.objects.filter(pk=data.get("person"), transferred_at__isnull=False)
                .select_related("transferred_to")
                .first()
            )
            if moved is not None and moved.transferred_to is not None:
                request.portal_transferred_to = moved.transferred_to
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
        # Longer than the idle timeout, which the portal checks itself (current_person): the next
        # page after it can then say the session expired.
        request.session.set_expiry(idle_timeout() + EXPIRED_NOTICE_SECONDS)


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
                say_expired(request)
            else:
                say_where_followed(request)
            return redirect("portal:sign_in")
        request.person = person
        return view(request, *args, **kwargs)

    wrapper.portal_person_required = True
    return wrapper
