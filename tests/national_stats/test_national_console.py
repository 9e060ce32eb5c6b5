"""The national console: a table of every jurisdiction with its state, its going live, its time
zone in French words, its last activity (read from the statistics' day rows, no schema visited)
and links to its site, its checklist and its statistics; a search by name and state."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse as _reverse
from django.utils import formats, timezone, translation
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.scheduling.models import Appointment
from shared.national_stats.forms import current_month, shift_months
from tenants.constants import JurisdictionStatus, Role
from tenants.time_zones import utc_offset, zone_label
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory

from .helpers import mid_month
from .pages import column, table
from .test_filtered_figures import _fill

pytestmark = pytest.mark.django_db


def reverse(name, args=None):
    return _reverse(name, args=args, urlconf="saas_platform.urls_public")


def _client(user):
    client = Client(HTTP_HOST="localhost")
    sign_in(client, user)
    return client


def _day(day) -> str:
    with translation.override("fr"):
        return formats.date_format(day, "j F Y")


@pytest.fixture
def active(alpha, beta, gamma):
    """Alpha live with bookings and SMS; Bêta live at La Réunion with bookings, no SMS; Gamma
    onboarding, never live."""
    for jurisdiction, status in (
        (alpha, JurisdictionStatus.LIVE),
        (beta, JurisdictionStatus.LIVE),
        (gamma, JurisdictionStatus.ONBOARDING),
    ):
        jurisdiction.went_live_at, jurisdiction.status = None, status
        jurisdiction.save(update_fields=["went_live_at", "status"])
    month = shift_months(current_month(), -1)
    _fill(alpha, month, 12, 0.5)
    _fill(beta, month, 12, 0.5, sms=False)
    alpha.went_live_at = mid_month(shift_months(month, -1))
    alpha.save(update_fields=["went_live_at"])
    return month


def _last_local_day(jurisdiction, queryset_of, field):
    with tenant_context(jurisdiction):
        last = queryset_of().order_by(f"-{field}").values_list(field, flat=True).first()
    return timezone.localdate(last, jurisdiction.zone)


def test_the_console_is_a_table_of_every_jurisdiction(active, alpha, beta, gamma):
    body = _client(UserFactory(national_team=True)).get("/console/").content.decode()
    names = [row[0] for row in table(body, "tableau-console")[1:]]
    assert [n.split(" Département")[0] for n in names] == sorted(
        [alpha.name, beta.name, gamma.name]
    )
    state = {
        k.split(" Département")[0]: v for k, v in column(body, "tableau-console", "État").items()
    }
    assert state == {
        alpha.name: JurisdictionStatus(alpha.status).label,
        beta.name: JurisdictionStatus(beta.status).label,
        gamma.name: JurisdictionStatus(gamma.status).label,
    }
    rows = {r[0].split(" Département")[0]: r for r in table(body, "tableau-console")[1:]}
    assert rows[alpha.name][2] == _day(timezone.localdate(alpha.went_live_at, alpha.zone))
    assert rows[gamma.name][2] == "Pas encore"
    # Time zones in French words, never their IANA names.
    assert rows[beta.name][3] == f"La Réunion ({utc_offset('Indian/Reunion')})"
    assert rows[alpha.name][3] == zone_label(alpha.time_zone)
    for raw in ("Indian/Reunion", "Europe/Paris", "schéma"):
        assert raw not in body
    # Last activity, from the day rows: Alpha booked and sent, Bêta booked only.
    booked = _last_local_day(alpha, Appointment.objects.all, "created_at")
    sent = _last_local_day(alpha, Message.objects.filter(sent_at__isnull=False).all, "created_at")
    assert f"Dernier rendez-vous planifié le {_day(booked)}" in rows[alpha.name][4]
    assert f"Dernier SMS envoyé le {_day(sent)}" in rows[alpha.name][4]
    beta_booked = _last_local_day(beta, Appointment.objects.all, "created_at")
    assert f"Dernier rendez-vous planifié le {_day(beta_booked)}" in rows[beta.name][4]
    assert "SMS" not in rows[beta.name][4]
    assert rows[gamma.name][4] == "Aucune activité enregistrée"
    # Links with words, never a raw address as their text.
    assert f'href="{reverse("onboarding:checklist", args=[alpha.slug])}"' in body
    assert f'href="{reverse("national-statistics")}?juridiction={alpha.slug}"' in body
    assert 'href="http://alpha.localhost' in body
    assert ">http" not in body
    assert rows[alpha.name][5] == "Aucun"  # transfers in flight (tests/transfers/screens)
    assert rows[alpha.name][6] == (
        f"Site de {alpha.name} Liste de contrôle de {alpha.name} Statistiques de {alpha.name}"
    )


def test_the_last_activity_visits_no_schema(active, alpha, beta, gamma):
    client = _client(UserFactory(national_team=True))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/console/").status_code == 200
    schemas = {alpha.schema_name, beta.schema_name, gamma.schema_name}
    assert not [q["sql"] for q in queries if any(f'"{s}"' in q["sql"] for s in schemas)]
    assert not [q["sql"] for q in queries if "scheduling_appointment" in q["sql"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"nom": "bêta"}, ["Juridiction Bêta"]),
        ({"etat": "onboarding"}, ["Juridiction Gamma"]),
        ({"nom": "juridiction", "etat": "live"}, ["Juridiction Alpha", "Juridiction Bêta"]),
        ({"nom": "atlantide"}, []),
    ],
)
def test_the_console_searches_by_name_and_state(active, params, expected):
    body = _client(UserFactory(national_team=True)).get("/console/", params).content.decode()
    rows = table(body, "tableau-console")[1:]
    if expected:
        assert [row[0].split(" Département")[0] for row in rows] == expected
    else:
        assert rows == [["Aucune juridiction ne correspond à cette recherche."]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"etat": "fermee"}, "État inconnu : « fermee »."),
        ({"nom": "x" * 101}, "Cherchez au plus 100 caractères."),
    ],
)
def test_a_bad_search_gets_a_french_message_and_the_whole_list(active, params, message):
    response = _client(UserFactory(national_team=True)).get("/console/", params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert len(table(body, "tableau-console")) == 4  # header and the three jurisdictions


def test_only_national_roles_open_the_console_and_only_the_team_sees_statistics(active, alpha):
    assert Client(HTTP_HOST="localhost").get("/console/").status_code == 302
    agent = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    assert _client(agent).get("/console/").status_code == 403
    officer = _client(UserFactory(deployment_officer=True)).get("/console/")
    assert officer.status_code == 200
    body = officer.content.decode()
    assert reverse("onboarding:checklist", args=[alpha.slug]) in body
    assert reverse("national-statistics") not in body
    team = _client(UserFactory(national_team=True)).get("/console/").content.decode()
    assert f"{reverse('national-statistics')}?juridiction={alpha.slug}" in team


def test_time_zone_words():
    winter = datetime(2027, 1, 15, 12, tzinfo=UTC)
    summer = winter + timedelta(days=180)
    assert zone_label("Indian/Reunion", winter) == "La Réunion (UTC+4)"
    assert zone_label("America/Cayenne", summer) == "Guyane (UTC−3)"
    assert zone_label("Europe/Paris", summer) == "France métropolitaine"
    assert zone_label("Pacific/Marquesas", winter) == "Polynésie française (Marquises) (UTC−9:30)"
    assert zone_label("Asia/Tokyo", winter) == "Autre fuseau (UTC+9)"
