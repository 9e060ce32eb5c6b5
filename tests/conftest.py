"""Test jurisdictions are created once per test database; each test activates the schema it needs.

- ``db`` tests run in a transaction rolled back at the end (fast, the default).
- ``committed_db`` tests commit for real (a Celery worker thread, a live server, two connections)
  and clean up after themselves: every table of the test schemas is truncated, the public
  accounts are removed, the test jurisdictions stay.
"""

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.constants import JurisdictionStatus
from tenants.models import Domain, Jurisdiction
from tenants.services import JurisdictionSpec, create_jurisdiction, ensure_public_tenant
from tests import clock

TEST_JURISDICTIONS = [
    JurisdictionSpec(
        slug="alpha",
        name="Juridiction Alpha",
        domains=("alpha.localhost",),
        tj_name="Tribunal judiciaire d'Alpha",
        spip_name="SPIP d'Alpha",
        departements="92",
        status=JurisdictionStatus.LIVE,
        primary_colour="#18753C",
    ),
    JurisdictionSpec(
        slug="beta",
        name="Juridiction Bêta",
        domains=("beta.localhost",),
        departements="974",
        time_zone="Indian/Reunion",
        phone_region="RE",
        status=JurisdictionStatus.LIVE,
    ),
    JurisdictionSpec(
        slug="gamma",
        name="Juridiction Gamma",
        domains=("gamma.localhost",),
        status=JurisdictionStatus.ONBOARDING,
    ),
]


def pytest_configure(config):
    config._test_clock = clock.start_from_environment()


def pytest_report_header(config):
    traveller = getattr(config, "_test_clock", None)
    if traveller is not None:
        from datetime import datetime

        return (
            f"TEST_CLOCK: the suite runs from {datetime.now(clock.PARIS):%A %d %B %Y %H:%M} Paris"
        )
    return None


def pytest_unconfigure(config):
    traveller = getattr(config, "_test_clock", None)
    if traveller is not None:
        traveller.stop()


TEST_SLUGS = [spec.slug for spec in TEST_JURISDICTIONS]
# Reference data written by migrations: kept when committed tests clean up.
REFERENCE_TABLES = ("django_migrations", "organisation_appointmenttype")


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """The test database, always: pytest-django's own fixture sets it up only when a collected
    test asks for ``db`` (committed tests and browser journeys alone would reach the real one)."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={"default"},
            keepdb=keepdb,
        )
        public = ensure_public_tenant()
        Domain.objects.get_or_create(domain="testserver", defaults={"tenant": public})
        for spec in TEST_JURISDICTIONS:
            if not Jurisdiction.objects.filter(slug=spec.slug).exists():
                create_jurisdiction(spec)
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def freeze_time(monkeypatch):
    """Pin django.utils.timezone.now, for a test whose fixed dates must lie ahead of "now"
    whatever the instant of the run (sign in after freezing: sessions expire by that clock)."""
    from django.utils import timezone

    def freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze


@pytest.fixture
def jurisdictions(db) -> dict[str, Jurisdiction]:
    return {j.slug: j for j in Jurisdiction.objects.filter(slug__in=TEST_SLUGS)}


@pytest.fixture
def alpha(jurisdictions):
    return jurisdictions["alpha"]


@pytest.fixture
def beta(jurisdictions):
    return jurisdictions["beta"]


@pytest.fixture
def gamma(jurisdictions):
    return jurisdictions["gamma"]


def _truncate_test_data() -> None:
    connection.set_schema_to_public()
    schemas = list(
        Jurisdiction.objects.filter(slug__in=TEST_SLUGS).values_list("schema_name", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) "
            "FROM information_schema.tables WHERE table_schema = ANY(%s) "
            "AND table_type = 'BASE TABLE' AND NOT table_name = ANY(%s)",
            [schemas, list(REFERENCE_TABLES)],
        )
        tables = [row[0] for row in cursor.fetchall()]
        tables += [
            "public.accounts_user",
            "public.django_session",
            "public.tenants_idempotencykey",
            "public.django_celery_beat_periodictask",
            "public.tenants_jurisdictionevent",
            "public.public_site_section",
            "public.public_site_infopage",
            "public.public_site_servicepage",
            "public.public_site_partner",
            "public.national_stats_appointmentday",
            "public.national_stats_appointmentmonth",
            "public.national_stats_messageday",
            "public.national_stats_messagemonth",
            "public.national_stats_followedday",
            "public.national_stats_refresh",
            "public.national_stats_portalmonth",
            "public.onboarding_creationrequest",
            "public.onboarding_importjob",
            "public.onboarding_testsms",
            "public.retention_run",
            "public.retention_tally",
            "public.retention_ruleversion",
            # TRUNCATE of people_person fires no row trigger: the index is emptied here.
            "public.person_index_entry",
            "public.person_index_lookup",
            "public.transfers_transfer",
            "public.transfers_policy",
        ]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    # Jurisdictions a test created on top of the fixed ones: drop them and their schemas.
    for extra in Jurisdiction.objects.tenants().exclude(slug__in=TEST_SLUGS):
        extra.delete(force_drop=True)
    # Starting data of each jurisdiction (services, pseudo-places), as after its creation.
    from jurisdiction_apps.organisation.services import set_up_jurisdiction

    for jurisdiction in Jurisdiction.objects.filter(slug__in=TEST_SLUGS):
        with tenant_context(jurisdiction):
            set_up_jurisdiction(jurisdiction)


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            yield {j.slug: j for j in Jurisdiction.objects.filter(slug__in=TEST_SLUGS)}
        finally:
            _truncate_test_data()


@pytest.fixture
def celery_worker(committed_db):
    """A real Celery worker (thread, solo pool) consuming this test run's queue on Redis."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from saas_platform.celery import app

    def close_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False, dispatch_uid="tests_close_connections")
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
        ):
            yield app
    finally:
        task_postrun.disconnect(dispatch_uid="tests_close_connections")


@pytest.fixture
def sign_in_limits(settings):
    """The production limits (the test settings switch them off), from a clean slate: limits are
    counted in Redis, which outlives a test's database transaction."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    try:
        for key in client.scan_iter("*allauth:rl:*"):
            client.delete(key)
        settings.ACCOUNT_RATE_LIMITS = {
            "login": "300/m/ip",
            "login_failed": "300/15m/ip,10/15m/key",
        }
        yield settings.ACCOUNT_RATE_LIMITS
    finally:
        for key in client.scan_iter("*allauth:rl:*"):
            client.delete(key)
        client.close()
