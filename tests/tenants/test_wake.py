"""Periodic work wakes only the jurisdictions with work (docs/adr/0019, tenants/wake.py)."""

import time
from datetime import date, timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from jurisdiction_apps.notifications.constants import MessageState, PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import SlotTemplate
from shared.national_stats.models import Refresh
from shared.national_stats.tasks import refresh_statistics
from tenants import tasks, wake
from tenants.models import Jurisdiction
from tenants.wake import finder_for

SWEEP, SLOTS, STATS = (
    "jurisdiction.sms_sweep",
    "jurisdiction.generate_slots",
    "jurisdiction.refresh_statistics",
)


def scope(queryset=None) -> list[tuple[int, str]]:
    queryset = Jurisdiction.objects.live() if queryset is None else queryset
    return list(queryset.values_list("pk", "schema_name"))


def woken(task_name, now=None, queryset=None) -> set[str]:
    ids = finder_for(task_name)(scope(queryset), now or timezone.now())
    return set(Jurisdiction.objects.filter(pk__in=ids).values_list("slug", flat=True))


def make_person() -> Person:
    return Person.objects.create(
        last_name="MARTIN", first_names="Léa", birth_date="1990-04-02", phone="+33612345678"
    )


def message(jurisdiction, **fields) -> Message:
    with tenant_context(jurisdiction):
        return Message.objects.create(
            person=make_person(), kind=PortalSmsKind.INVITATION, text="Bonjour", **fields
        )


@pytest.fixture
def sent_to(monkeypatch):
    """The (schema, task) of every task the dispatcher sends."""
    sent = []
    monkeypatch.setattr(
        tasks.current_app,
        "send_task",
        lambda name, *a, **k: sent.append((connection.schema_name, name)),
    )
    return sent


def test_only_the_jurisdiction_with_a_due_message_gets_a_sweep(jurisdictions, sent_to):
    alpha, beta = jurisdictions["alpha"], jurisdictions["beta"]
    message(alpha, due_at=timezone.now() - timedelta(seconds=1))
    message(beta, due_at=timezone.now() + timedelta(minutes=5))  # not yet

    assert tasks.wake_live_jurisdictions(SWEEP) == 1
    assert sent_to == [(alpha.schema_name, SWEEP)]


NOW = timezone.now()


@pytest.mark.parametrize(
    ("fields", "found"),
    [
        ({"due_at": NOW}, True),  # due now
        ({"due_at": NOW + timedelta(seconds=1)}, False),  # due in a second
        # A retry waits for its backoff, written as a later due time.
        ({"attempt_count": 1, "due_at": NOW - timedelta(seconds=5)}, True),
        ({"attempt_count": 1, "due_at": NOW + timedelta(seconds=30)}, False),
        # Queued whose task was lost (Redis restarted) / still in the broker.
        ({"state": MessageState.QUEUED, "queued_at": NOW - timedelta(seconds=301)}, True),
        ({"state": MessageState.QUEUED, "queued_at": NOW - timedelta(seconds=10)}, False),
        # Sending left by a dead worker / still being sent.
        ({"state": MessageState.SENDING, "sending_at": NOW - timedelta(seconds=121)}, True),
        ({"state": MessageState.SENDING, "sending_at": NOW - timedelta(seconds=10)}, False),
        ({"state": MessageState.SENT, "sent_at": NOW - timedelta(days=1)}, False),
    ],
)
def test_the_sweep_finder_sees_exactly_what_the_sweep_would_take(jurisdictions, fields, found):
    beta = jurisdictions["beta"]
    message(beta, **fields)
    assert woken(SWEEP, now=NOW) == ({"beta"} if found else set())


def test_onboarding_and_suspended_jurisdictions_get_no_sweep(jurisdictions, sent_to):
    gamma = jurisdictions["gamma"]  # onboarding
    message(gamma, due_at=timezone.now() - timedelta(minutes=1))
    assert tasks.wake_live_jurisdictions(SWEEP) == 0
    Jurisdiction.objects.filter(pk=jurisdictions["alpha"].pk).update(status="suspended")
    message(jurisdictions["alpha"], due_at=timezone.now() - timedelta(minutes=1))
    assert tasks.wake_live_jurisdictions(SWEEP) == 0
    assert sent_to == []


def test_a_missing_schema_does_not_stop_the_others(jurisdictions):
    alpha = jurisdictions["alpha"]
    message(alpha, due_at=timezone.now())
    everyone = [*scope(), (999_999, "j_never_created")]
    assert finder_for(SWEEP)(everyone, timezone.now()) == {alpha.pk}


def test_an_unreadable_schema_is_woken_and_does_not_stop_the_others(jurisdictions):
    alpha = jurisdictions["alpha"]
    message(alpha, due_at=timezone.now())
    with connection.cursor() as cursor:  # a schema half migrated: the one-query finder fails
        cursor.execute("CREATE SCHEMA j_half; CREATE TABLE j_half.notifications_message (id int)")
    everyone = [*scope(), (999_999, "j_half")]
    assert finder_for(SWEEP)(everyone, timezone.now()) == {alpha.pk, 999_999}


@pytest.fixture
def other_session():
    """A second database session, as another process (a creation, a migration) would hold."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    ) as session:
        yield session
        session.rollback()


def test_a_schema_being_created_meanwhile_is_skipped_without_waiting(jurisdictions, other_session):
    alpha = jurisdictions["alpha"]
    message(alpha, due_at=timezone.now())
    other_session.execute(
        f"CREATE SCHEMA j_creating; CREATE TABLE j_creating.notifications_message"
        f' (LIKE "{alpha.schema_name}".notifications_message INCLUDING ALL)'
    )  # not committed: another transaction, as create_jurisdiction's
    everyone = [*scope(), (999_998, "j_creating")]
    assert finder_for(SWEEP)(everyone, timezone.now()) == {alpha.pk}


def test_a_schema_locked_by_a_migration_is_woken_and_the_others_found(jurisdictions, other_session):
    alpha, beta = jurisdictions["alpha"], jurisdictions["beta"]
    message(alpha, due_at=timezone.now())
    other_session.execute(
        f'LOCK TABLE "{beta.schema_name}".notifications_message IN ACCESS EXCLUSIVE MODE'
    )
    started = time.monotonic()
    assert finder_for(SWEEP)(scope(), timezone.now()) == {alpha.pk, beta.pk}
    assert time.monotonic() - started < 10  # lock_timeout, twice, not the migration's length


def test_a_failing_finder_sends_to_every_jurisdiction_as_before(
    jurisdictions, sent_to, monkeypatch
):
    def broken(scope, now):
        raise RuntimeError("bug")

    monkeypatch.setitem(wake._finders, SWEEP, broken)
    assert tasks.wake_live_jurisdictions(SWEEP) == 2
    assert sorted(sent_to) == sorted(
        (jurisdictions[slug].schema_name, SWEEP) for slug in ("alpha", "beta")
    )


def test_a_task_without_finder_goes_to_every_jurisdiction_of_its_scope(jurisdictions, sent_to):
    assert tasks.wake_every_jurisdiction("jurisdiction.heartbeat") == 3
    assert {schema for schema, _ in sent_to} == {
        jurisdictions[slug].schema_name for slug in ("alpha", "beta", "gamma")
    }


def test_a_new_jurisdiction_needs_no_extra_step(jurisdictions):
    """The scope is read at each tick and the query generated from it: a jurisdiction going live
    is in the next sweep's query without any schedule change."""
    gamma = jurisdictions["gamma"]
    message(gamma, due_at=timezone.now())
    assert woken(SWEEP) == set()
    Jurisdiction.objects.filter(pk=gamma.pk).update(status="live")
    assert woken(SWEEP) == {"gamma"}


def template(jurisdiction, **fields) -> SlotTemplate:
    with tenant_context(jurisdiction):
        place = Place.objects.create(name="Antenne", address="1 rue", postcode="92000", city="X")
        agenda = Agenda.objects.create(place=place, name="Équipe")
        return SlotTemplate.objects.create(
            agenda=agenda,
            appointment_type=AppointmentType.objects.get(code="sortie-audience-spip"),
            weekday=1,
            start_time="09:00",
            duration_minutes=30,
            capacity=1,
            **fields,
        )


def test_slot_generation_wakes_only_jurisdictions_with_templates_to_extend(jurisdictions):
    alpha, beta = jurisdictions["alpha"], jurisdictions["beta"]
    assert woken(SLOTS) == set()
    ended = template(beta, ends_on=timezone.now().date() - timedelta(days=3))
    template(beta, starts_on=timezone.now().date() + timedelta(days=200))  # beyond the horizon
    archived = template(beta)
    with tenant_context(beta):
        Agenda.objects.filter(pk=archived.agenda_id).update(archived_at=timezone.now())
    assert woken(SLOTS) == set()
    template(alpha)
    assert woken(SLOTS) == {"alpha"}
    with tenant_context(beta):
        SlotTemplate.objects.filter(pk=ended.pk).update(ends_on=None)
    assert woken(SLOTS) == {"alpha", "beta"}


def flush_statistics_counters() -> None:
    """PostgreSQL reports a session's row counts when it goes idle, at most once a second: ask
    it to report at the end of this statement."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")


def refresh_in(jurisdiction) -> None:
    with tenant_context(jurisdiction):
        refresh_statistics()


def test_statistics_wake_only_jurisdictions_whose_data_changed(committed_db):
    alpha, beta, gamma = committed_db["alpha"], committed_db["beta"], committed_db["gamma"]
    everyone = Jurisdiction.objects.tenants()
    flush_statistics_counters()
    # Never refreshed: every jurisdiction, live or not (the months before going live count).
    assert woken(STATS, queryset=everyone) >= {"alpha", "beta", "gamma"}
    for jurisdiction in (alpha, beta, gamma):
        refresh_in(jurisdiction)
    flush_statistics_counters()
    assert woken(STATS, queryset=everyone) & {"alpha", "beta", "gamma"} == set()

    with tenant_context(gamma):  # onboarding: its data count too
        make_person()
    with tenant_context(alpha):
        Message.objects.filter(pk=-1).update(state=MessageState.SENT)  # writes nothing
    flush_statistics_counters()
    assert woken(STATS, queryset=everyone) & {"alpha", "beta", "gamma"} == {"gamma"}
    refresh_in(gamma)
    flush_statistics_counters()
    assert woken(STATS, queryset=everyone) & {"alpha", "beta", "gamma"} == set()

    # A new local day: one refresh (its day row of people followed), even without a write.
    Refresh.objects.filter(jurisdiction_id=beta.pk).update(last_day=date(2020, 1, 1))
    assert woken(STATS, queryset=everyone) & {"alpha", "beta", "gamma"} == {"beta"}


def test_statistics_take_every_kind_of_write(committed_db):
    alpha = committed_db["alpha"]
    flush_statistics_counters()
    refresh_in(alpha)
    with tenant_context(alpha):
        person = make_person()
    flush_statistics_counters()
    assert "alpha" in woken(STATS, queryset=Jurisdiction.objects.tenants())
    refresh_in(alpha)
    with schema_context(alpha.schema_name):
        Person.objects.filter(pk=person.pk).update(city="NANTES")  # an update
    flush_statistics_counters()
    assert "alpha" in woken(STATS, queryset=Jurisdiction.objects.tenants())
