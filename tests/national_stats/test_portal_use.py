"""Use of the people's portal in the national statistics: sign-ins, messages, change requests,
counted per month in each jurisdiction, small numbers hidden in the console."""

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.portal.models import ChangeRequest, PortalMessage, SignIn
from shared.national_stats.aggregation import refresh
from shared.national_stats.forms import current_month, month_label, shift_months
from shared.national_stats.models import PortalMonth
from tests.auth import sign_in
from tests.factories import UserFactory

from .helpers import at, make_appointment, make_person

pytestmark = pytest.mark.django_db


def _use(jurisdiction, month, people, *, first=0):
    """``people`` people sign in twice and write once; every other one asks for a change."""
    day = month + timedelta(days=9)
    agent = UserFactory()
    with tenant_context(jurisdiction):
        for index in range(people):
            person = make_person(first + index)
            SignIn.objects.create(person=person, method="code", at=at(day))
            SignIn.objects.create(person=person, method="code", at=at(day, 18))
            PortalMessage.objects.create(person=person, author="person", body="Bonjour")
            PortalMessage.objects.filter(person=person).update(created_at=at(day))
            if index % 2 == 0:
                appointment = make_appointment(person, at(day + timedelta(days=10)))
                state = "refused" if index % 4 == 0 else "open"
                request = ChangeRequest.objects.create(
                    appointment=appointment,
                    person=person,
                    kind="cannot_come",
                    reason="Travail",
                    state=state,
                    handled_by=agent if state != "open" else None,
                    handled_at=at(day, 12) if state != "open" else None,
                )
                ChangeRequest.objects.filter(pk=request.pk).update(created_at=at(day))
        refresh(jurisdiction, month, shift_months(month, 1) - timedelta(days=1))


def test_the_refresh_counts_the_portal_use_of_the_month(alpha):
    month = shift_months(current_month(), -1)
    _use(alpha, month, 12)
    row = PortalMonth.objects.get(jurisdiction=alpha, month=month)
    assert (row.sign_ins, row.people_signed_in) == (24, 12)
    assert (row.person_messages, row.team_messages, row.people_writing) == (12, 0, 12)
    assert (row.change_requests, row.requests_refused, row.people_requesting) == (6, 3, 6)
    assert row.requests_excused == row.requests_rescheduled == 0
    # Refreshing again replaces the rows: the same figures, not twice them.
    refresh(alpha, month, shift_months(month, 1) - timedelta(days=1))
    assert PortalMonth.objects.get(jurisdiction=alpha, month=month).sign_ins == 24


def test_the_console_shows_the_portal_use_and_hides_small_numbers(alpha, beta):
    month = shift_months(current_month(), -1)
    _use(alpha, month, 12)
    _use(beta, month, 3, first=500)
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    page = html.unescape(client.get("/statistiques/").content.decode())
    table = page[page.index('id="tableau-espace-personnel"') :]
    table = table[: table.index("</table>")]
    row = table[table.index(month_label(month)) :]
    cells = re.findall(r"<td>(.*?)</td>", row)[:8]
    # Nationally 15 people signed in (30 sign-ins); 8 asked for a change (< 10: hidden).
    assert cells[:4] == ["30", "15", "15", "0"]
    assert cells[4:] == ["< 10 pers."] * 4
    only_beta = html.unescape(
        client.get(f"/statistiques/?juridiction={beta.slug}").content.decode()
    )
    beta_table = only_beta[only_beta.index('id="tableau-espace-personnel"') :]
    assert "< 10 pers." in beta_table[: beta_table.index("</table>")]
