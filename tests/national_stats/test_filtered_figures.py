"""Every figure of the national statistics follows the filters (jurisdiction, type, period):
tiles, charts and tables show what the chosen jurisdiction's own rows give, computed here from
those rows, never typed by hand; small numbers stay hidden; the go-live month is marked; empty
series and missing bars are explained in words."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import AppointmentType
from jurisdiction_apps.scheduling.models import Appointment
from shared.national_stats.aggregation import next_month, refresh
from shared.national_stats.forms import current_month, day_label, month_label, shift_months
from shared.national_stats.presentation import NO_AFTER
from tenants.constants import Role
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory

from .helpers import at, make_appointment, make_message, make_person, mid_month
from .pages import chart, column, percent, table, text_of

pytestmark = pytest.mark.django_db

SPIP = "convocation-suivi-spip"


def _fill(jurisdiction, month, people, share, *, first=0, code=SPIP, sms=True, failed=0):
    """``people`` people with one appointment each in ``month`` (a share came), each with a
    reminder when ``sms`` (the first ``failed`` of them not delivered); then a refresh."""
    day = month + timedelta(days=9)
    with tenant_context(jurisdiction):
        for index in range(people):
            person = make_person(first + index)
            state = "fulfilled" if index < people * share else "no_show"
            appointment = make_appointment(
                person, at(day), state, booked_at=at(day - timedelta(days=5)), code=code
            )
            if sms:
                now = timezone.now()
                if index < failed:
                    make_message(appointment, "reminder", "failed", at(day - timedelta(2)),
                                 sent_at=now)  # fmt: skip
                else:
                    make_message(appointment, "reminder", "delivered", at(day - timedelta(2)),
                                 sent_at=now, delivered_at=now)  # fmt: skip
        refresh(jurisdiction, month, next_month(month) - timedelta(days=1))


def _source(jurisdiction, months, code=None) -> dict:
    """The figures straight from the jurisdiction's own rows, per local month."""
    figures = {}
    with tenant_context(jurisdiction):
        for month in months:
            start = datetime.combine(month, time.min, tzinfo=jurisdiction.zone)
            end = datetime.combine(next_month(month), time.min, tzinfo=jurisdiction.zone)
            appointments = Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
            messages = Message.objects.filter(created_at__gte=start, created_at__lt=end)
            if code:
                appointments = appointments.filter(appointment_type__code=code)
                messages = messages.filter(appointment__appointment_type__code=code)
            figures[month] = {
                "fulfilled": appointments.filter(state="fulfilled").count(),
                "missed": appointments.filter(state="no_show").count(),
                "sent": messages.filter(sent_at__isnull=False).count(),
                "delivered": messages.filter(delivered_at__isnull=False).count(),
            }
    return figures


def _add(*sources) -> dict:
    total = {}
    for source in sources:
        for month, figures in source.items():
            mine = total.setdefault(month, dict.fromkeys(figures, 0))
            for key, value in figures.items():
                mine[key] += value
    return total


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _attendance(source) -> float | None:
    fulfilled = sum(f["fulfilled"] for f in source.values())
    return _rate(fulfilled, fulfilled + sum(f["missed"] for f in source.values()))


def _delivery(source) -> float | None:
    delivered = sum(f["delivered"] for f in source.values())
    return _rate(delivered, sum(f["sent"] for f in source.values()))


def _period(months):
    return {"du": f"{months[0]:%Y-%m}", "au": f"{months[-1]:%Y-%m}"}


@pytest.fixture
def national():
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    return client


@pytest.fixture(autouse=True)
def not_live_yet(jurisdictions):
    """No go-live date left by a committed (browser) test: each test sets its own."""
    for jurisdiction in jurisdictions.values():
        jurisdiction.went_live_at = None
        jurisdiction.save(update_fields=["went_live_at"])


@pytest.fixture
def months():
    now = current_month()
    return [shift_months(now, offset) for offset in range(-3, 1)]


@pytest.fixture
def world(alpha, beta, months):
    """Alpha and Bêta, each with enough people to be shown, and different figures."""
    _fill(alpha, months[0], 20, 0.5)
    _fill(alpha, months[2], 20, 0.9, first=100)
    _fill(beta, months[0], 12, 0.25, failed=4)
    _fill(beta, months[2], 14, 0.6, first=100, failed=3)
    return {"alpha": _source(alpha, months), "beta": _source(beta, months)}


def test_every_figure_follows_the_chosen_jurisdiction(world, national, months):
    alpha, everyone = world["alpha"], _add(world["alpha"], world["beta"])
    assert _attendance(alpha) != _attendance(everyone)  # the test can tell them apart
    assert _delivery(alpha) != _delivery(everyone)

    whole = national.get("/statistiques/", _period(months)).content.decode()
    mine = national.get("/statistiques/", {**_period(months), "juridiction": "alpha"})
    assert mine.status_code == 200
    body = mine.content.decode()

    # Tiles.
    assert text_of(whole, "kpi-presence") == percent(_attendance(everyone))
    assert text_of(body, "kpi-presence") == percent(_attendance(alpha))
    assert text_of(whole, "kpi-sms") == percent(_delivery(everyone))
    assert text_of(body, "kpi-sms") == percent(_delivery(alpha))
    assert "Juridiction Alpha" in text_of(body, "perimetre")

    # Tables: attendance and SMS per month are Alpha's, national attendance beside them.
    labels = {month_label(m): m for m in months}
    fulfilled = column(body, "tableau-presence", "Honorés")
    sent = column(body, "tableau-sms", "Envoyés")
    national_rate = column(body, "tableau-presence", "Présence (France entière)")
    for label, month in labels.items():
        assert fulfilled[label] == str(alpha[month]["fulfilled"])
        assert sent[label] == str(alpha[month]["sent"])
        expected = _rate(everyone[month]["fulfilled"],
                         everyone[month]["fulfilled"] + everyone[month]["missed"])  # fmt: skip
        assert national_rate[label] == (percent(expected) if expected is not None else "—")
    national_fulfilled = column(whole, "tableau-presence", "Honorés")
    assert any(national_fulfilled[label] != fulfilled[label] for label in labels)
    # Only the chosen jurisdiction in the table per jurisdiction.
    rows = [row[0] for row in table(body, "tableau-juridictions")[1:]]
    assert rows == ["Juridiction Alpha"]
    assert {row[0] for row in table(whole, "tableau-juridictions")[1:]} == {
        "Juridiction Alpha",
        "Juridiction Bêta",
    }

    # Charts: Alpha's series first, its monthly rates and SMS counts.
    data = chart(body)
    assert data["attendance"][0]["label"] == "Juridiction Alpha"
    assert data["attendance"][0]["attendance"] == [
        _rate(alpha[m]["fulfilled"], alpha[m]["fulfilled"] + alpha[m]["missed"]) for m in months
    ]
    assert data["delivery"][0]["delivery"] == [
        _rate(alpha[m]["delivered"], alpha[m]["sent"]) for m in months
    ]
    assert data["sent"] == [alpha[m]["sent"] for m in months]
    assert chart(whole)["sent"] == [everyone[m]["sent"] for m in months]


def test_the_type_and_the_period_filter_every_figure(world, alpha, national, months):
    with tenant_context(alpha):
        other = AppointmentType.objects.exclude(code=SPIP).order_by("code").first()
    _fill(alpha, months[2], 12, 0.25, first=300, code=other.code)
    for code in (SPIP, other.code):
        mine = _source(alpha, months, code=code)
        body = national.get(
            "/statistiques/", {**_period(months), "juridiction": "alpha", "type": code}
        ).content.decode()
        assert text_of(body, "kpi-presence") == percent(_attendance(mine))
        honoured = column(body, "tableau-presence", "Honorés")
        assert honoured[month_label(months[2])] == str(mine[months[2]]["fulfilled"])
        assert chart(body)["sent"] == [mine[m]["sent"] for m in months]
    # One month only: the tiles are that month's.
    one = {"du": f"{months[2]:%Y-%m}", "au": f"{months[2]:%Y-%m}", "juridiction": "alpha"}
    body = national.get("/statistiques/", one).content.decode()
    source = _source(alpha, [months[2]])
    assert text_of(body, "kpi-presence") == percent(_attendance(source))
    assert [row[0] for row in table(body, "tableau-presence")[1:]] == [month_label(months[2])]


def test_small_numbers_stay_hidden_in_every_filtered_figure(world, gamma, national, months):
    _fill(gamma, months[2], 5, 0.6)
    body = national.get(
        "/statistiques/", {**_period(months), "juridiction": "gamma"}
    ).content.decode()
    for tile in ("kpi-presence", "kpi-sms", "kpi-delai"):
        assert text_of(body, tile) == "< 10 pers."
    label = month_label(months[2])
    assert column(body, "tableau-presence", "Honorés")[label] == "< 10 pers."
    assert column(body, "tableau-sms", "Envoyés")[label] == "< 10 pers."
    data = chart(body)
    assert data["attendance"][0]["attendance"][2] is None
    assert data["sent"][2] is None
    row = table(body, "tableau-juridictions")[1]
    assert row[0] == "Juridiction Gamma" and "Moins de 10 personnes" in row[1]


def test_the_go_live_month_is_marked(world, alpha, beta, national, months):
    alpha.went_live_at = mid_month(months[1])
    alpha.save(update_fields=["went_live_at"])
    live_day = day_label(timezone.localdate(alpha.went_live_at, alpha.zone))
    mine = national.get("/statistiques/", {**_period(months), "juridiction": "alpha"})
    body = mine.content.decode()
    marks = column(body, "tableau-presence", "Mise en service")
    assert marks[month_label(months[1])] == f"Mise en service le {live_day}"
    assert [marks[month_label(m)] for m in months if m != months[1]] == [""] * 3
    assert chart(body)["marks"] == [{"index": 1, "label": "Mise en service"}]
    # Nationally: how many went live that month, and which.
    beta.went_live_at = mid_month(months[1])
    beta.save(update_fields=["went_live_at"])
    whole = national.get("/statistiques/", _period(months)).content.decode()
    marks = column(whole, "tableau-presence", "Mise en service")
    assert marks[month_label(months[1])] == (
        "2 mises en service (Juridiction Alpha, Juridiction Bêta)"
    )
    assert chart(whole)["marks"] == [{"index": 1, "label": "2 mises en service"}]


def test_empty_series_are_explained(alpha, beta, national, months):
    # Alpha sent nothing before going live; Bêta is not live and sent nothing at all.
    _fill(alpha, months[0], 12, 0.5, sms=False)
    _fill(alpha, months[2], 12, 0.9, first=100)
    alpha.went_live_at = mid_month(months[1])
    alpha.save(update_fields=["went_live_at"])
    beta.went_live_at = None
    beta.save(update_fields=["went_live_at"])
    _fill(beta, months[2], 12, 0.5, sms=False)
    live_day = day_label(timezone.localdate(alpha.went_live_at, alpha.zone))

    body = national.get(
        "/statistiques/", {**_period(months), "juridiction": "alpha"}
    ).content.decode()
    assert text_of(body, "explication-sms") == (
        f"Aucun SMS envoyé avant la mise en service le {live_day} ; pas encore de données "
        f"en {month_label(months[1])}, {month_label(months[3])}."
    )
    rates = column(body, "tableau-sms", "Taux de réception")
    assert rates[month_label(months[0])] == "Avant la mise en service"
    assert rates[month_label(months[3])] == "Pas encore de données"
    assert rates[month_label(months[2])] == percent(_delivery(_source(alpha, [months[2]])))

    body = national.get(
        "/statistiques/", {**_period(months), "juridiction": "beta"}
    ).content.decode()
    assert text_of(body, "explication-sms") == (
        "Aucun SMS envoyé : Juridiction Bêta n’est pas encore en service."
    )

    nothing = {"du": "2024-01", "au": "2024-03"}
    body = national.get("/statistiques/", nothing).content.decode()
    assert text_of(body, "explication-sms") == "Pas encore de données pour cette période."
    assert text_of(body, "explication-presence") == "Pas encore de données pour cette période."


def test_a_missing_after_bar_gets_words(alpha, national, months):
    _fill(alpha, months[1], 12, 0.5)
    alpha.went_live_at = timezone.now()  # this month: no month after it yet
    alpha.save(update_fields=["went_live_at"])
    body = national.get("/statistiques/", _period(months)).content.decode()
    row = next(r for r in table(body, "tableau-mise-en-service") if r[0] == "Juridiction Alpha")
    assert row[2] == percent(_attendance(_source(alpha, [months[1]])))
    assert row[3] == NO_AFTER
    notes = chart(body)["go_live"]
    assert notes["after"] == [None] and notes["after_notes"] == [NO_AFTER]
    assert notes["before_notes"] == [None]


def test_a_local_admin_sees_the_go_live_month_marked(alpha, months):
    _fill(alpha, months[2], 12, 0.5)
    alpha.went_live_at = mid_month(months[1])
    alpha.save(update_fields=["went_live_at"])
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    client = Client(HTTP_HOST="alpha.localhost")
    sign_in(client, admin)
    body = client.get("/statistiques/", _period(months)).content.decode()
    live_day = day_label(timezone.localdate(alpha.went_live_at, alpha.zone))
    assert text_of(body, "mise-en-service").startswith(f"Mise en service le {live_day}")
    marked = [
        row[0] for row in table(body, "tableau-juridiction")[1:] if "Mise en service" in row[0]
    ]
    assert marked == [f"{month_label(months[1])} Mise en service"]
    assert chart(body)["marks"] == [{"index": 1, "label": "Mise en service"}]


def test_national_months_without_sms_are_explained(alpha, national, months):
    _fill(alpha, months[0], 12, 0.5, sms=False)
    _fill(alpha, months[2], 12, 0.5, first=100)
    body = national.get("/statistiques/", _period(months)).content.decode()
    assert text_of(body, "explication-sms") == (
        f"Pas encore de données en {month_label(months[0])}, {month_label(months[1])}, "
        f"{month_label(months[3])}."
    )
    first_sent = {"du": f"{months[0]:%Y-%m}", "au": f"{months[2]:%Y-%m}"}
    _fill(alpha, months[1], 12, 0.5, first=200, sms=False)
    body = national.get("/statistiques/", first_sent).content.decode()
    assert text_of(body, "explication-sms") == (
        f"Aucun SMS envoyé avant {month_label(months[2])} : aucune juridiction n’envoyait "
        "encore de SMS sur cette période."
    )
