"""The national read-only API of the public host (issue 20, point 3): published statistics with
the console's small-number rule, the service and reinsertion directories, open to anyone,
cached, limited per address, never a person's data."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared.national_stats.forms import current_month, shift_months
from shared.national_stats.models import AppointmentMonth, Refresh
from shared.public_site.cache import bump_version
from tests.auth import sign_in
from tests.factories import UserFactory
from tests.national_stats.helpers import make_person
from tests.public_site.factories import PartnerFactory, ServicePageFactory

pytestmark = pytest.mark.django_db

HOST = "localhost"


@pytest.fixture
def visitor():
    bump_version()  # a fresh cache namespace for each test
    return Client(HTTP_HOST=HOST)


def month_row(jurisdiction, month, people, **counts) -> AppointmentMonth:
    row = AppointmentMonth.objects.create(
        jurisdiction=jurisdiction,
        month=month,
        appointment_type="*",
        appointment_type_label="Tous",
        service_kind="*",
        people=people,
        people_outcome=people,
        **counts,
    )
    # A refresh commits its Refresh row with the figures: the cached figures' version moves.
    Refresh.objects.update_or_create(
        jurisdiction=jurisdiction,
        defaults={"refreshed_at": timezone.now(), "first_day": month, "last_day": month},
    )
    return row


def test_statistics_hide_figures_resting_on_fewer_than_ten_people(visitor, alpha, beta):
    month = current_month()
    month_row(alpha, month, people=25, booked=40, fulfilled=30, missed=10)
    month_row(beta, month, people=3, booked=4, fulfilled=3, missed=1)
    response = visitor.get(
        "/api/v1/statistiques/", {"first_month": f"{month:%Y-%m}", "last_month": f"{month:%Y-%m}"}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["small_number"] == 10
    by_slug = {row["slug"]: row for row in data["jurisdictions"]}
    assert by_slug["alpha"]["hidden"] is False
    assert by_slug["alpha"]["counts"]["booked"] == 40
    assert by_slug["alpha"]["attendance"] == 75.0
    # Beta's 3 people: every figure null, flagged hidden (as the console shows "< 10 pers.").
    assert by_slug["beta"]["hidden"] is True
    assert set(by_slug["beta"]["counts"].values()) == {None}
    assert by_slug["beta"]["attendance"] is None and by_slug["beta"]["attendance_hidden"]
    # The national total rests on 28 people: shown, and it adds both up.
    assert data["total"]["hidden"] is False
    assert data["total"]["counts"]["booked"] == 44
    assert [row["month"] for row in data["months"]] == [f"{month:%Y-%m}"]


def test_statistics_of_one_small_jurisdiction_are_hidden_too(visitor, beta):
    month = current_month()
    month_row(beta, month, people=9, booked=12, fulfilled=9)
    data = visitor.get("/api/v1/statistiques/", {"jurisdiction": "beta"}).json()
    assert data["jurisdiction"] == "beta"
    assert data["total"]["hidden"] is True
    assert data["total"]["counts"]["booked"] is None
    this_month = next(row for row in data["months"] if row["month"] == f"{month:%Y-%m}")
    assert this_month["hidden"] is True and this_month["counts"]["fulfilled"] is None
    # Twelve months by default, as the console.
    assert len(data["months"]) == 12


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"first_month": "2026-13"}, "first_month", "AAAA-MM"),
        ({"first_month": "mars"}, "first_month", "AAAA-MM"),
        ({"jurisdiction": "inconnue"}, "jurisdiction", "Juridiction inconnue"),
        ({"appointment_type": "nope"}, "appointment_type", "Type de rendez-vous inconnu"),
        ({"page": "2"}, "page", "Paramètre inconnu"),
    ],
)
def test_bad_statistics_parameters_get_a_french_400(visitor, query, field, message):
    response = visitor.get("/api/v1/statistiques/", query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in " ".join(error["fields"][field])


def test_a_period_after_this_month_is_refused(visitor):
    later = shift_months(current_month(), 1)
    response = visitor.get("/api/v1/statistiques/", {"last_month": f"{later:%Y-%m}"})
    assert response.status_code == 400
    assert "mois en cours" in " ".join(response.json()["error"]["fields"]["last_month"])


def test_the_service_directory_lists_published_services_only(visitor):
    shown = ServicePageFactory(slug="spip-92-nanterre", departement="92")
    ServicePageFactory(slug="brouillon", published=False)
    ServicePageFactory(slug="tj-974", departement="974", kind="tj", postcode="97400")
    response = visitor.get("/api/v1/services/", {"departement": "92"})
    assert response.status_code == 200
    data = response.json()
    assert [row["slug"] for row in data["results"]] == ["spip-92-nanterre"]
    row = data["results"][0]
    assert row["name"] == shown.name
    assert row["url"] == "http://localhost/preparer/spip-92-nanterre/"
    assert row["latitude"] == pytest.approx(48.892)
    assert set(data) == {"next", "previous", "results"}
    kinds = {row["slug"] for row in visitor.get("/api/v1/services/?kind=tj").json()["results"]}
    assert kinds == {"tj-974"}


def test_directories_are_paginated_by_cursor(visitor):
    for n in range(5):
        PartnerFactory(name=f"Structure {n}")
    first = visitor.get("/api/v1/reinsertion/", {"page_size": 2}).json()
    assert [p["name"] for p in first["results"]] == ["Structure 0", "Structure 1"]
    second = visitor.get(first["next"]).json()
    assert [p["name"] for p in second["results"]] == ["Structure 2", "Structure 3"]
    too_big = visitor.get("/api/v1/reinsertion/", {"page_size": 1001})
    assert too_big.status_code == 400
    assert too_big.json()["error"]["code"] == "invalid_page_size"
    forged = visitor.get("/api/v1/reinsertion/", {"cursor": "%%%"})
    assert forged.json()["error"]["code"] == "invalid_cursor"


def test_the_reinsertion_directory_filters_by_departement_and_theme(visitor):
    PartnerFactory(name="Logement 92", departements=["92"], category="logement")
    PartnerFactory(name="Emploi 59-92", departements=["59", "92"], category="emploi")
    PartnerFactory(name="Emploi 974", departements=["974"], category="emploi")
    PartnerFactory(name="Caché", departements=["92"], published=False)
    names = [
        p["name"] for p in visitor.get("/api/v1/reinsertion/?departement=92").json()["results"]
    ]
    assert names == ["Emploi 59-92", "Logement 92"]
    emploi = visitor.get("/api/v1/reinsertion/?departement=92&category=emploi").json()
    assert [p["name"] for p in emploi["results"]] == ["Emploi 59-92"]
    bad = visitor.get("/api/v1/reinsertion/?departement=999")
    assert bad.status_code == 400
    assert "departement" in bad.json()["error"]["fields"]


def test_answers_are_cached_until_the_content_changes(visitor):
    partner = PartnerFactory(name="Avant")
    first = visitor.get("/api/v1/reinsertion/")
    assert first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        again = visitor.get("/api/v1/reinsertion/")
    assert not [q for q in queries.captured_queries if "public_site_partner" in q["sql"]]
    assert again["X-Cache"] == "hit"
    assert again.json() == first.json()
    partner.name = "Après"
    partner.save()
    bump_version()  # what the edit's on_commit does (signals.py)
    fresh = visitor.get("/api/v1/reinsertion/")
    assert fresh["X-Cache"] == "miss"
    assert fresh.json()["results"][0]["name"] == "Après"


def test_browsers_may_keep_an_answer_and_revalidate_it_with_its_etag(visitor):
    """Open data: the one kind of API answer without no-store. A 200 says public, max-age=300,
    with an ETag; the same ETag gets a 304 without a body until the content changes; errors
    stay no-store."""
    PartnerFactory(name="Avant")
    first = visitor.get("/api/v1/reinsertion/")
    assert first.status_code == 200
    directives = {part.strip() for part in first["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=300"}
    etag = first["ETag"]
    unchanged = visitor.get("/api/v1/reinsertion/", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == etag and "no-store" not in unchanged["Cache-Control"]
    other_page = visitor.get("/api/v1/reinsertion/?departement=92", headers={"If-None-Match": etag})
    assert other_page.status_code == 200 and other_page["ETag"] != etag
    bump_version()  # the content changed (what an edit's on_commit does)
    changed = visitor.get("/api/v1/reinsertion/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    bad = visitor.get("/api/v1/reinsertion/?departement=999", headers={"If-None-Match": etag})
    assert bad.status_code == 400
    assert "no-store" in bad["Cache-Control"] and "ETag" not in bad


def test_anyone_reads_it_and_credentials_change_nothing(visitor, alpha):
    PartnerFactory(name="Ouverte")
    agent = Client(HTTP_HOST=HOST)
    sign_in(agent, UserFactory())
    for client in (visitor, agent, Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION="Api-Key faux")):
        response = client.get("/api/v1/reinsertion/")
        assert response.status_code == 200
        assert response.json()["results"][0]["name"] == "Ouverte"


def test_it_is_read_only(visitor):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(visitor, method)(
            "/api/v1/services/", {}, content_type="application/json"
        )
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_requests_are_limited_per_address(visitor, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "public": "3/minute"}
    statuses = [
        visitor.get("/api/v1/services/", REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = visitor.get("/api/v1/reinsertion/", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "throttled"
    # Another address has its own count.
    assert visitor.get("/api/v1/services/", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_no_personal_data_is_exposed(visitor, alpha):
    with tenant_context(alpha):
        person = make_person(7)
    month = current_month()
    month_row(alpha, month, people=12, booked=12, fulfilled=12)
    ServicePageFactory()
    PartnerFactory()
    bodies = [
        visitor.get(path).content.decode()
        for path in ("/api/v1/statistiques/", "/api/v1/services/", "/api/v1/reinsertion/")
    ]
    for body in bodies:
        assert person.last_name not in body
        assert person.phone not in body
        assert str(person.birth_date) not in body
    # The statistics carry counts and jurisdictions' names only: every key is listed here.
    data = json.loads(bodies[0])
    assert set(data) == {
        "first_month", "last_month", "jurisdiction", "appointment_type", "small_number",
        "total", "months", "jurisdictions",
    }  # fmt: skip
    assert set(data["jurisdictions"][0]) - set(data["total"]) == {"slug", "name"}


def test_public_api_is_not_on_jurisdiction_hosts(alpha):
    response = Client(HTTP_HOST="alpha.localhost").get("/api/v1/statistiques/")
    assert response.status_code == 404
