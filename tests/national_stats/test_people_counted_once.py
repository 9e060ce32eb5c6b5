"""National figures count people once (issue 19, point 4): a person followed in two
jurisdictions is one person followed nationally; each jurisdiction's own figure is unchanged."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from shared.national_stats.aggregation import local_today, months_between, refresh
from shared.national_stats.forms import current_month, shift_months
from shared.national_stats.models import FollowedDay
from shared.national_stats.queries import Filters, dashboard, people_followed_nationally
from tests.auth import sign_in
from tests.factories import UserFactory

from .helpers import make_appointment, mid_month

pytestmark = pytest.mark.django_db


def person(jurisdiction, last_name, birth, phone="", appi="", **fields) -> Person:
    with tenant_context(jurisdiction):
        return Person.objects.create(
            last_name=last_name,
            first_names="Ombeline",
            birth_date=birth,
            phone=phone,
            no_mobile_phone=not phone,
            appi_number=appi,
            city="NANTERRE",
            **fields,
        )


@pytest.fixture
def followed(alpha, beta):
    """Alpha: SOLVERAN (also followed in beta, another phone), TREMOULET (only here), DARGELOS
    (APPI number known, also in beta under a married name, same APPI). Beta: SOLVERAN, DARGELOS
    as DARGELOS-PUY, CASTELNOU archived. People followed: alpha 3, beta 2; nationally 3."""
    person(alpha, "SOLVERAN", date(1984, 5, 17), phone="+33612000001")
    person(alpha, "TREMOULET", date(1990, 2, 3))
    person(alpha, "DARGELOS", date(1975, 8, 9), appi="2026000000042")
    person(beta, "Solveran", date(1984, 5, 17), phone="+262692000001")
    person(beta, "DARGELOS-PUY", date(1975, 8, 9), appi="2026000000042")
    person(beta, "CASTELNOU", date(1969, 1, 1), archived_at=timezone.now() - timedelta(days=50))
    for jurisdiction in (alpha, beta):
        with tenant_context(jurisdiction):
            Person.objects.update(created_at=timezone.now() - timedelta(days=60))
            # The console lists the jurisdictions with appointments in the period.
            someone = Person.objects.active().first()
            for month in (shift_months(current_month(), -1), current_month()):
                make_appointment(someone, mid_month(month))
        refresh(jurisdiction, shift_months(current_month(), -2), local_today(jurisdiction))


def _dashboard(last_month):
    filters = Filters(shift_months(last_month, -11), last_month)
    return dashboard(filters, months_between(filters.first_month, filters.last_month))


def test_a_person_followed_in_two_jurisdictions_counts_once_nationally(followed, alpha, beta):
    assert people_followed_nationally() == 3
    board = _dashboard(current_month())
    assert board.national_total.followed == 3
    per_jurisdiction = {j.slug: cell.followed for j, cell in board.jurisdictions}
    assert per_jurisdiction == {"alpha": 3, "beta": 2}


def test_namesakes_with_different_appi_numbers_are_two_people(alpha, beta):
    person(alpha, "HOMONYME", date(1980, 1, 1), appi="2026000000001")
    person(beta, "HOMONYME", date(1980, 1, 1), appi="2026000000002")
    assert people_followed_nationally() == 2


def test_the_national_tile_shows_the_index_count(followed, alpha, beta):
    # Ten more people followed in both (a figure on fewer than 10 people is hidden).
    for number in range(10):
        for jurisdiction in (alpha, beta):
            person(jurisdiction, f"PARTAGE{number}", date(1988, 1, 1 + number))
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    body = client.get("/statistiques/").content.decode()
    assert 'id="kpi-suivies">13<' in body  # not 3 + 2 + 2 × 10 = 25


def test_a_past_period_keeps_the_sum_of_the_jurisdictions_figures(followed):
    """The index knows today only: a period ended before this month adds up the jurisdictions'
    figures of its last day (docs/statistics.md)."""
    board = _dashboard(shift_months(current_month(), -1))
    assert board.national_total.followed == 5


def test_a_person_transferred_away_is_no_longer_followed_at_the_source(alpha, beta):
    moved = person(alpha, "PARTANT", date(1992, 4, 4))
    with tenant_context(alpha):
        Person.objects.filter(pk=moved.pk).update(
            created_at=timezone.now() - timedelta(days=60),
            transferred_at=timezone.now() - timedelta(days=2),
            transferred_to=beta,
        )
    today = local_today(alpha)
    refresh(alpha, today - timedelta(days=5), today)
    followed = dict(
        FollowedDay.objects.filter(jurisdiction=alpha).values_list("day", "people_followed")
    )
    assert followed[today - timedelta(days=5)] == 1
    assert followed[today] == 0
    assert people_followed_nationally() == 0  # it left the index with the transfer
