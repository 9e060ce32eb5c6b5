"""Helpers of the people tests: hosts, form data, people and signed-in clients."""

import html
from datetime import date

from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from tests.auth import sign_in
from tests.factories import MembershipFactory, bind_session


def host(jurisdiction) -> str:
    return f"{jurisdiction.slug}.localhost"


def page_text(response) -> str:
    """The response body with HTML entities decoded (French apostrophes are escaped)."""
    return html.unescape(response.content.decode())


def person_data(**overrides) -> dict:
    """A valid POST of the person form."""
    data = {
        "last_name": "Dupont",
        "first_names": "jean-pierre",
        "birth_date": "1985-06-15",
        "phone": "06 12 34 56 78",
        "appi_number": "",
        "residence": "city",
        "city": "Nanterre",
        "referent": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_person(jurisdiction, **fields) -> Person:
    values = {
        "last_name": "MARTIN",
        "first_names": "Léa",
        "birth_date": date(1990, 4, 2),
        "phone": "",
        "no_mobile_phone": True,
        "city": "NANTERRE",
    }
    values.update(fields)
    with tenant_context(jurisdiction):
        return Person.objects.create(**values)


def count_people(jurisdiction) -> int:
    with tenant_context(jurisdiction):
        return Person.objects.count()


def agent_client(jurisdiction, role, **user_fields):
    membership = MembershipFactory(
        jurisdiction=jurisdiction, role=role, **{f"user__{k}": v for k, v in user_fields.items()}
    )
    client = Client(HTTP_HOST=host(jurisdiction))
    sign_in(client, membership.user)
    bind_session(client, host(jurisdiction))
    client.user = membership.user
    return client
