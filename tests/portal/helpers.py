"""Helpers of the portal tests: people with a mobile, and clients signed in as them."""

import time

from django.test import Client

from jurisdiction_apps.portal.session import SESSION_KEY, phone_tag
from tests.people.helpers import host, make_person


def make_mobile_person(jurisdiction, phone="+33612345678", **fields):
    fields.setdefault("no_mobile_phone", False)
    return make_person(jurisdiction, phone=phone, **fields)


def person_client(jurisdiction, person, *, idle_seconds: float = 0) -> Client:
    """A browser signed in on the portal of ``jurisdiction`` as ``person``."""
    client = Client(HTTP_HOST=host(jurisdiction))
    session = client.session
    session[SESSION_KEY] = {
        "schema": jurisdiction.schema_name,
        "person": person.pk,
        "phone": phone_tag(person),
        "last": time.time() - idle_seconds,
    }
    session.save()
    client.person = person
    return client


def clear_rate_limits() -> None:
    """Rate-limit windows of sign-in codes live in Redis for up to a day: tests start without."""
    from django.core.cache import cache

    client = cache._cache.get_client(None, write=True)
    for key in client.scan_iter(match="*portal:rate:*"):
        client.delete(key)
