"""The national console's statistics and a jurisdiction's own page: figures, filters, small
numbers, before/after going live, CSV export."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared.national_stats.aggregation import refresh
from shared.national_stats.forms import current_month, shift_months
from shared.national_stats.queries import Cell, before_after
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory

from .helpers import at, make_appointment, make_message, make_person, mid_month

pytestmark = pytest.mark.django_db


def _fill(jurisdiction, month, people, fulfilled_share, *, first=0):
    """``people`` people with one appointment each in ``month``; a share of them came."""
    day = month + timedelta(days=9)
    with tenant_context(jurisdiction):
        for index in range(people):
            person = make_person(first + index)
            state = "fulfilled" if index < people * fulfilled_share else "no_show"
            appointment = make_appointment(
                person, at(day), state, booked_at=at(day - timedelta(days=5))
            )
            now = timezone.now()
            make_message(appointment, "reminder", "delivered", at(day - timedelta(2)),
                         sent_at=now, delivered_at=now)  # fmt: skip
        refresh(jurisdiction, month, shift_months(month, 1) - timedelta(days=1))


@pytest.fixture
def world(alpha, beta):
    now = current_month()
    before, after = shift_months(now, -3), shift_months(now, -1)
    _fill(alpha, before, 20, 0.5)
    _fill(alpha, after, 20, 0.9, first=100)
    _fill(beta, after, 5, 1.0)  # too few people: hidden in national views
    alpha.went_live_at = mid_month(shift_months(now, -2))  # between "before" and "after"
    alpha.save()
    return {"before": before, "after": after, "now": now}


@pytest.fixture
def national():
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    return client


def test_only_the_national_team_opens_the_console_statistics(world):
    anonymous = Client(HTTP_HOST="localhost").get("/statistiques/")
    assert anonymous.status_code == 302
    for user in (UserFactory(deployment_officer=True), UserFactory()):
        client = Client(HTTP_HOST="localhost")
        sign_in(client, user)
        assert client.get("/statistiques/").status_code == 403
        assert client.get("/statistiques/export.csv").status_code == 403


def test_the_dashboard_shows_attendance_delivery_and_hides_small_numbers(world, national, alpha):
    body = national.get("/statistiques/").content.decode()
    # Alpha: 10 + 18 fulfilled of 40. Beta rests on 5 people: hidden, though in the sums.
    assert 'id="graphique-presence"' in body and 'id="tableau-presence"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    table = body[body.index('id="tableau-juridictions"') :]
    alpha_row = table[
        table.index("Juridiction Alpha") : table.index("</tr>", table.index("Juridiction Alpha"))
    ]
    assert "<td>28</td>" in alpha_row and "<td>12</td>" in alpha_row  # fulfilled, missed
    assert "70,0 %" in alpha_row
    beta_row = table[
        table.index("Juridiction Bêta") : table.index("</tr>", table.index("Juridiction Bêta"))
    ]
    assert "Moins de 10 personnes : chiffres masqués." in beta_row
    assert "<td>5</td>" not in beta_row


def test_before_and_after_going_live(world, national):
    body = national.get("/statistiques/").content.decode()
    table = body[body.index('id="tableau-mise-en-service"') :]
    row = table[
        table.index("Juridiction Alpha") : table.index("</tr>", table.index("Juridiction Alpha"))
    ]
    assert "50,0 %" in row and "90,0 %" in row


@pytest.mark.parametrize(
    ("slug", "went_live_at"),
    [
        ("alpha", datetime(2026, 10, 1, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))),
        ("beta", datetime(2026, 10, 1, 3, 0, tzinfo=ZoneInfo("Indian/Reunion"))),
    ],
)
def test_the_go_live_month_is_the_jurisdictions_own_month(jurisdictions, slug, went_live_at):
    """Going live in the night of the 1st, local time, is still the previous month in UTC: the
    month left out is the local one, like the month rows (September stays "before")."""
    jurisdiction = jurisdictions[slug]
    jurisdiction.went_live_at = went_live_at
    jurisdiction.save(update_fields=["went_live_at"])
    jurisdiction.refresh_from_db()  # read back in UTC, as the console reads it
    assert jurisdiction.went_live_at.month == 9
    september, october, november = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
    months = {month: Cell() for month in (september, october, november)}
    for month, fulfilled, missed in ((september, 1, 1), (october, 5, 0), (november, 3, 1)):
        months[month].counts.update(fulfilled=fulfilled, missed=missed)
    split = before_after(jurisdiction, months)
    assert split["went_live"] == october
    assert (split["before"].attendance, split["after"].attendance) == (50.0, 75.0)


def test_filtering_on_one_jurisdiction_and_one_type(world, national):
    response = national.get(
        "/statistiques/", {"juridiction": "alpha", "type": "convocation-suivi-spip"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert '<th scope="col">Présence (Juridiction Alpha)</th>' in body  # its own figures
    none = national.get("/statistiques/", {"type": "sortie-audience-spip"})
    assert none.status_code == 400  # no figures for that type: not a choice
    assert "Type de rendez-vous inconnu : « sortie-audience-spip »." in none.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"au": "2999-01"}, "La période ne peut pas finir après le mois en cours."),
        ({"du": "2026-06", "au": "2026-03"}, "Le début de la période est après sa fin"),
        ({"du": "2019-01", "au": "2026-01"}, "Les statistiques commencent en janvier 2024."),
        ({"du": "2026-13"}, "Indiquez un mois sous la forme AAAA-MM"),
        ({"juridiction": "atlantide"}, "Juridiction inconnue : « atlantide »."),
    ],
)
def test_bad_filters_get_a_clear_answer(world, national, params, message):
    response = national.get("/statistiques/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    export = national.get("/statistiques/export.csv", params)
    assert export.status_code == 400 and message in export.content.decode()


def test_the_csv_export_streams_and_hides_small_numbers(world, national):
    response = national.get(
        "/statistiques/export.csv",
        {"du": "2024-01", "au": f"{world['now']:%Y-%m}", "grain": "jour"},
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="statistiques-2024-01-')
    lines = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";")
    )
    assert lines[0][:3] == ["période", "juridiction", "type de rendez-vous"]
    alpha_lines = [line for line in lines[1:] if line[1] == "alpha"]
    beta_lines = [line for line in lines[1:] if line[1] == "beta"]
    # Alpha's appointment days, then its booking days (20 people booked, none convened).
    assert [line[4] for line in alpha_lines if line[4] != "0"] == ["10", "18"]
    assert [line[3] for line in alpha_lines if line[4] == "0"] == ["20", "20"]
    # Beta's booking day and appointment day both rest on 5 people: hidden.
    assert len(beta_lines) == 2
    assert all(cell == "< 10 pers." for line in beta_lines for cell in line[3:])
    monthly = national.get("/statistiques/export.csv", {"grain": "mois"})
    rows = list(
        csv.reader(io.StringIO(b"".join(monthly.streaming_content).decode()), delimiter=";")
    )
    assert {row[1] for row in rows[1:]} == {"alpha", "beta"}
    assert national.get("/statistiques/export.csv", {"grain": "heure"}).status_code == 400


def test_a_local_admin_sees_own_figures_beside_the_national_average(world, beta):
    admin = MembershipFactory(jurisdiction=beta, role=Role.LOCAL_ADMIN).user
    client = Client(HTTP_HOST="beta.localhost")
    sign_in(client, admin)
    body = client.get("/statistiques/").content.decode()
    # Its own 5 people are its own: shown to its managers.
    own = body[
        body.index('id="presence-juridiction"') : body.index(
            "</p>", body.index('id="presence-juridiction"')
        )
    ]
    assert "100,0 %" in own
    national = body[
        body.index('id="presence-nationale"') : body.index(
            "</p>", body.index('id="presence-nationale"')
        )
    ]
    assert "73,3 %" in national  # (10 + 18 + 5) fulfilled of 45 with an outcome
    cpip = MembershipFactory(jurisdiction=beta, role=Role.CPIP).user
    other = Client(HTTP_HOST="beta.localhost")
    sign_in(other, cpip)
    assert other.get("/statistiques/").status_code == 403


def test_many_appointments_of_few_people_stay_hidden(alpha, national):
    month = shift_months(current_month(), -1)
    with tenant_context(alpha):
        person = make_person(1)
        for day in range(12):
            make_appointment(person, at(month + timedelta(days=day)), "fulfilled")
        refresh(alpha, month, shift_months(month, 1) - timedelta(days=1))
    body = national.get("/statistiques/").content.decode()
    table = body[body.index('id="tableau-juridictions"') :]
    row = table[
        table.index("Juridiction Alpha") : table.index("</tr>", table.index("Juridiction Alpha"))
    ]
    assert "Moins de 10 personnes : chiffres masqués." in row  # 12 appointments, 1 person
    assert 'id="kpi-presence">' in body
    kpi = body[
        body.index('id="kpi-presence">') : body.index("</p>", body.index('id="kpi-presence">'))
    ]
    assert "&lt; 10 pers." in kpi and "100,0" not in kpi


def test_the_figures_are_cached_until_the_next_refresh(world, national, alpha, settings):
    assert "<td>28</td>" in national.get("/statistiques/").content.decode()
    with tenant_context(alpha):  # a change in the jurisdiction, not yet refreshed
        make_appointment(make_person(900), at(world["after"] + timedelta(days=3)), "fulfilled")
    assert "<td>28</td>" in national.get("/statistiques/").content.decode()
    # A refresh commits new figures: a new version, recomputed at once (28 + 1 + 10).
    _fill(alpha, world["after"], 10, 1.0, first=500)
    assert "<td>39</td>" in national.get("/statistiques/").content.decode()
    # Redis down: the page is computed without the cache.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    down = national.get("/statistiques/")
    assert down.status_code == 200 and "<td>39</td>" in down.content.decode()
