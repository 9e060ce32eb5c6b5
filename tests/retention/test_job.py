"""The nightly retention job of one jurisdiction (issue 18, points 1-3): who is archived and
erased, what is redacted and purged, holds, dry runs, idempotence, a kill in the middle, one run
at a time, and the summary in the public schema."""

from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import retention
from jurisdiction_apps.notifications.models import Attempt, Message, StopToken
from jurisdiction_apps.organisation.models import Place, PlaceAudit
from jurisdiction_apps.people import services as people_services
from jurisdiction_apps.people.models import Person, PersonAudit, PersonView
from jurisdiction_apps.portal.models import (
    Attachment,
    CalendarFeed,
    ChangeRequest,
    Invitation,
    PortalMessage,
    SignIn,
    SignInCode,
    TeamRead,
)
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from onboarding.models import ImportJob
from shared.retention import registry
from shared.retention.constants import Category
from shared.retention.models import Rule, Run, RunState, Tally
from tenants.constants import Role
from tests.factories import MembershipFactory

from .helpers import identity, seed_person_with_everything

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def agent(alpha):
    return MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user


def ago(days: int):
    return timezone.now() - days * DAY


def seeded(alpha, agent, number, *, last_activity_days, archived_days=None):
    person = seed_person_with_everything(
        alpha, identity(number), agent=agent, when=ago(last_activity_days)
    )
    if archived_days is not None:
        with tenant_context(alpha):
            Person.objects.filter(pk=person.pk).update(archived_at=ago(archived_days))
    return person


def rows_of(person_id) -> dict[str, int]:
    """How many rows of each kind one person has (in the current schema)."""
    return {
        "appointments": Appointment.objects.filter(person_id=person_id).count(),
        "events": AppointmentEvent.objects.filter(person_id=person_id).count(),
        "sms": Message.objects.filter(person_id=person_id).count(),
        "attempts": Attempt.objects.filter(message__person_id=person_id).count(),
        "portal_messages": PortalMessage.objects.filter(person_id=person_id).count(),
        "files": Attachment.objects.filter(person_id=person_id).count(),
        "requests": ChangeRequest.objects.filter(person_id=person_id).count(),
        "audit": PersonAudit.objects.filter(pgh_obj_id=person_id).count(),
        "person": Person.objects.filter(pk=person_id).count(),
    }


def test_people_are_archived_after_a_year_without_activity_unless_held(alpha, agent):
    idle = seeded(alpha, agent, 1, last_activity_days=400)
    recent = seeded(alpha, agent, 2, last_activity_days=100)
    held = seeded(alpha, agent, 3, last_activity_days=400)
    taken_back = seeded(alpha, agent, 4, last_activity_days=400)
    with tenant_context(alpha):
        people_services.set_hold(
            held, "Mesure de suivi socio-judiciaire en cours", acting_user=agent
        )
        Person.objects.filter(pk=taken_back.pk).update(follow_up_since=ago(10))
        outcome = retention.run()
        archived = set(Person.objects.archived().values_list("pk", flat=True))
    assert outcome.counts[Category.PEOPLE_ARCHIVE] == 1
    assert archived == {idle.pk}
    assert recent.pk not in archived and held.pk not in archived


def test_a_future_appointment_or_a_recent_message_is_activity(alpha, agent):
    future = seeded(alpha, agent, 1, last_activity_days=400)
    writing = seeded(alpha, agent, 2, last_activity_days=400)
    with tenant_context(alpha):
        Appointment.objects.filter(person=future).update(starts_at=timezone.now() + 20 * DAY)
        PortalMessage.objects.filter(person=writing).update(created_at=ago(30))
        retention.run()
        assert not Person.objects.archived().filter(pk__in=[future.pk, writing.pk]).exists()


def test_people_are_erased_six_months_after_archiving_with_everything_of_theirs(alpha, agent):
    due = seeded(alpha, agent, 1, last_activity_days=800, archived_days=200)
    too_soon = seeded(alpha, agent, 2, last_activity_days=800, archived_days=100)
    came_back = seeded(alpha, agent, 3, last_activity_days=800, archived_days=200)
    held = seeded(alpha, agent, 4, last_activity_days=800, archived_days=300)
    with tenant_context(alpha):
        # An appointment booked after the archiving (the person is followed again).
        Appointment.objects.filter(person=came_back).update(starts_at=ago(20))
        Person.objects.filter(pk=held.pk).update(
            held_at=ago(5), hold_reason="Demande du juge de l'application des peines"
        )
        before = {person.pk: rows_of(person.pk) for person in (too_soon, came_back, held)}
        outcome = retention.run()
        assert outcome.counts[Category.PEOPLE_ERASE] == 1
        assert set(rows_of(due.pk).values()) == {0}
        assert {pk: rows_of(pk) for pk in before} == before


def test_a_kill_in_the_middle_leaves_no_person_half_erased_and_the_next_run_finishes(
    alpha, agent, monkeypatch
):
    people = [seeded(alpha, agent, n, last_activity_days=800, archived_days=250) for n in (1, 2, 3)]
    monkeypatch.setattr(retention, "ERASE_BATCH", 1)
    calls = []

    def dies_on_the_second_batch(identifiers):
        calls.append(identifiers)
        if len(calls) == 2:
            raise SystemExit("worker killed")  # what a SIGTERM'd worker raises mid-batch

    registry.register_erasure_hook(dies_on_the_second_batch)
    try:
        with tenant_context(alpha), pytest.raises(SystemExit):
            retention.run()
    finally:
        registry._erasure_hooks.remove(dies_on_the_second_batch)
    with tenant_context(alpha):
        states = [rows_of(person.pk) for person in people]
    erased = [state for state in states if set(state.values()) == {0}]
    whole = [state for state in states if 0 not in state.values()]
    assert len(erased) == 1 and len(whole) == 2, states  # nobody in between
    run = Run.objects.get(jurisdiction=alpha)
    assert run.state == RunState.FAILED and run.error == "SystemExit"
    # The summary counts the batch that was committed before the kill.
    assert Tally.objects.get(run=run, category=Category.PEOPLE_ERASE).count == 1
    with tenant_context(alpha):
        outcome = retention.run()
        assert outcome.counts[Category.PEOPLE_ERASE] == 2
        assert not Person.objects.filter(pk__in=[person.pk for person in people]).exists()


def test_a_second_run_finds_nothing_left_to_do(alpha, agent):
    seeded(alpha, agent, 1, last_activity_days=800, archived_days=250)
    seeded(alpha, agent, 2, last_activity_days=400)
    with tenant_context(alpha):
        first = retention.run()
        second = retention.run()
    assert first.counts[Category.PEOPLE_ERASE] == 1
    assert first.counts[Category.PEOPLE_ARCHIVE] == 1
    assert set(second.counts.values()) == {0}, second.counts


def test_a_dry_run_counts_what_a_run_does_and_changes_nothing(alpha, agent):
    seeded(alpha, agent, 1, last_activity_days=800, archived_days=250)
    seeded(alpha, agent, 2, last_activity_days=400)
    with tenant_context(alpha):
        before = {pk: rows_of(pk) for pk in Person.objects.values_list("pk", flat=True)}
        texts = list(Message.objects.values_list("text", flat=True))
        dry = retention.run(dry_run=True)
        assert {pk: rows_of(pk) for pk in before} == before
        assert list(Message.objects.values_list("text", flat=True)) == texts
        assert not Run.objects.exists()
        real = retention.run()
    # People: the same counts. Other categories: the dry run also counts the rows of the people
    # it would erase (the real run erases them before it reaches those categories).
    for category in (Category.PEOPLE_ERASE, Category.PEOPLE_ARCHIVE):
        assert dry.counts[category] == real.counts[category] == 1
    for category, count in real.counts.items():
        assert dry.counts[category] >= count, (category, dry.counts, real.counts)
    assert dry.counts[Category.SMS_TEXTS] > real.counts[Category.SMS_TEXTS]


def test_sms_texts_and_numbers_go_three_months_after_the_sms_ended_metadata_stays(alpha, agent):
    person = seeded(alpha, agent, 1, last_activity_days=120)
    fresh = seeded(alpha, agent, 2, last_activity_days=20)
    with tenant_context(alpha):
        outcome = retention.run()
        old = Message.objects.filter(person=person)
        assert outcome.counts[Category.SMS_TEXTS] == old.count() == 2
        assert set(old.values_list("text", "phone")) == {("", "")}
        assert all(message.delivered_at and message.state for message in old)
        assert Attempt.objects.filter(message__person=person).count() == 1
        assert not Message.objects.filter(person=fresh, text="").exists()


def test_codes_sign_ins_tokens_logs_requests_and_place_audit_expire(alpha, agent):
    person = seeded(alpha, agent, 1, last_activity_days=400)
    with tenant_context(alpha):
        people_services.set_hold(person, "Mesure en cours jusqu'en 2028", acting_user=agent)
        SignIn.objects.filter(person=person).update(at=ago(400))
        StopToken.objects.filter(person=person).update(used_at=ago(40))
        CalendarFeed.objects.filter(person=person).update(revoked_at=ago(40))
        PersonView.objects.filter(person=person).update(viewed_at=ago(370))
        TeamRead.objects.filter(person=person).update(at=ago(370))
        ChangeRequest.objects.filter(person=person).update(handled_at=ago(370))
        place = Place.objects.create(name="Ancienne antenne")
        PlaceAudit.objects.filter(pgh_obj_id=place.pk).update(pgh_created_at=ago(400))
        outcome = retention.run()
        assert outcome.counts[Category.PORTAL_CODES] == 2  # the code and the invitation
        assert not SignInCode.objects.filter(person=person).exists()
        assert not Invitation.objects.filter(person=person).exists()
        assert outcome.counts[Category.PORTAL_SIGN_INS] == 1
        assert outcome.counts[Category.TOKENS] == 2
        assert outcome.counts[Category.ACCESS_LOGS] == 2
        assert outcome.counts[Category.CHANGE_REQUESTS] == 1
        assert ChangeRequest.objects.get(person=person).reason == ""
        assert outcome.counts[Category.AUDIT_TRAIL] >= 1
        assert not PlaceAudit.objects.filter(pgh_obj_id=place.pk).exists()
        # The held person is still there, with the rest of their file.
        assert Person.objects.active().filter(pk=person.pk).exists()
        assert PortalMessage.objects.filter(person=person).count() == 3


def test_import_files_and_report_lines_go_thirty_days_after_the_job_counts_stay(
    alpha, agent, django_capture_on_commit_callbacks
):
    seeded(alpha, agent, 1, last_activity_days=10)
    job = ImportJob.objects.get(jurisdiction=alpha)
    path = settings.PRIVATE_MEDIA_ROOT / job.path
    with tenant_context(alpha):
        assert retention.run().counts[Category.IMPORTS] == 0
    ImportJob.objects.filter(pk=job.pk).update(finished_at=ago(31))
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        assert retention.run().counts[Category.IMPORTS] == 1
    job.refresh_from_db()
    assert not path.exists() and job.path == ""
    assert "errors" not in job.preview and "lines" not in job.report
    assert job.preview["counts"] == {"create": 1, "reject": 1}


def test_a_run_is_summed_up_per_category_in_the_public_schema(alpha, agent):
    seeded(alpha, agent, 1, last_activity_days=800, archived_days=250)
    with tenant_context(alpha):
        retention.run()
    connection.set_schema_to_public()
    run = Run.objects.get(jurisdiction=alpha)
    assert run.state == RunState.DONE and run.finished_at and run.seconds is not None
    tallies = dict(run.tallies.values_list("category", "count"))
    assert tallies[Category.PEOPLE_ERASE] == 1
    assert set(tallies) >= {Category.PEOPLE_ARCHIVE, Category.SMS_TEXTS, Category.IMPORTS}


def test_one_run_at_a_time_per_jurisdiction(alpha, agent):
    seeded(alpha, agent, 1, last_activity_days=800, archived_days=250)
    with tenant_context(alpha):
        key = retention._lock_key()
    database = settings.DATABASES["default"]
    other = psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [key])
        with tenant_context(alpha):
            outcome = retention.run()
        assert outcome.skipped and outcome.run is None
    finally:
        # Released at once: a closed connection's backend lets its locks go a moment later.
        other.execute("SELECT pg_advisory_unlock(%s)", [key])
        other.close()
    with tenant_context(alpha):
        assert retention.run().counts[Category.PEOPLE_ERASE] == 1


def test_the_rules_are_read_from_the_national_table(alpha, agent):
    person = seeded(alpha, agent, 1, last_activity_days=250)
    Rule.objects.filter(category=Category.PEOPLE_ARCHIVE).update(amount=7)
    with tenant_context(alpha):
        retention.run()
        assert Person.objects.archived().filter(pk=person.pk).exists()


def test_the_command_prints_counts_per_category_and_a_dry_run_changes_nothing(alpha, agent):
    from io import StringIO

    from django.core.management import CommandError, call_command

    person = seeded(alpha, agent, 1, last_activity_days=800, archived_days=250)
    out = StringIO()
    call_command("retention", jurisdiction="alpha", dry_run=True, stdout=out)
    printed = out.getvalue()
    assert "alpha — à traiter (simulation, rien n'est modifié) :" in printed
    assert "  Personnes suivies : effacement : 1" in printed
    assert identity(1).last_name not in printed
    with tenant_context(alpha):
        assert Person.objects.filter(pk=person.pk).exists()
    out = StringIO()
    call_command("retention", jurisdiction="all", stdout=out)
    assert "  Personnes suivies : effacement : 1" in out.getvalue()
    assert "beta — traités :" in out.getvalue()
    with tenant_context(alpha):
        assert not Person.objects.filter(pk=person.pk).exists()
    with pytest.raises(CommandError, match="Juridiction inconnue"):
        call_command("retention", jurisdiction="nulle-part")
