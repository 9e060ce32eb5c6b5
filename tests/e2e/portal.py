"""Browser helpers of the portal journeys."""

import time

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from jurisdiction_apps.portal.session import SESSION_KEY, phone_tag


def open_portal_session(page, live_url, jurisdiction, person) -> str:
    """Give the browser a portal session of ``person`` (the sign-in journey is tested apart).

    Returns the base URL of the jurisdiction's host."""
    session = SessionStore()
    session[SESSION_KEY] = {
        "schema": jurisdiction.schema_name,
        "person": person.pk,
        "phone": phone_tag(person),
        "last": time.time(),
    }
    session.create()
    base = live_url.format(host=f"{jurisdiction.slug}.localhost")
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base}]
    )
    return base
