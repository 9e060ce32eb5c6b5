"""The demo seed of `make run` keeps its promises at any instant of the year.

The demo jurisdictions are created once for this module; at each instant the whole seed
(`seed_demo`, as `make run` calls it) runs in a transaction rolled back after the checks, with the
clock moved there by time-machine.
"""

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import tenant_context

from demo.backoffice import TODAY_TIMES, demo_people
from demo.jurisdictions import DEMO_JURISDICTIONS, HISTORY_SLUGS, seed_demo
from demo.portal import DEMO_PHONE
from demo.retention import PREFIX as RETENTION_PREFIX
from demo.transfers import MOVED_TO_NANTERRE
from jurisdiction_apps.casefile import retention
from jurisdiction_apps.notifications.constants import PENDING_STATES, MessageState
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.models import ChangeRequest
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment, Slot
from jurisdiction_apps.scheduling.queries import NO_SHOW_WINDOW_DAYS, local_day_bounds
from jurisdiction_apps.scheduling.territory import is_open_day, local_datetime
from shared.national_stats.models import AppointmentMonth
from shared.person_index.lookup import followed_elsewhere
from shared.retention.models import Run, RunState
from shared.transfers.models import Transfer
from tenants.constants import APPOINTMENT_HOLDER_ROLES, JurisdictionStatus
from tenants.models import Jurisdiction, Membership
from tenants.services import create_jurisdiction

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")

INSTANTS = {
    # Every day of the week, public holidays of both territories, both daylight-saving Sundays
    # of Paris, the turn of the year, the quiet hours and the hour before midnight in each zone.
    "easter-monday-09:00": datetime(2027, 3, 29, 9, 0, tzinfo=PARIS),
    "tuesday-23:30-reunion": datetime(2027, 1, 12, 23, 30, tzinfo=REUNION),
    "wednesday-03:00-quiet-hours": datetime(2027, 1, 13, 3, 0, tzinfo=PARIS),
    "14-july-wednesday": datetime(2027, 7, 14, 15, 0, tzinfo=PARIS),
    "31-december-thursday-23:30": datetime(2026, 12, 31, 23, 30, tzinfo=PARIS),
    "1-january-friday-00:30": datetime(2027, 1, 1, 0, 30, tzinfo=PARIS),
    "25-december-friday": datetime(2026, 12, 25, 12, 0, tzinfo=PARIS),
    "friday-23:30-paris": datetime(2027, 1, 15, 23, 30, tzinfo=PARIS),
    "friday-23:30-reunion": datetime(2027, 1, 15, 23, 30, tzinfo=REUNION),
    "1-may-saturday": datetime(2027, 5, 1, 10, 0, tzinfo=PARIS),
    "dst-spring-sunday-03:30": datetime(2027, 3, 28, 3, 30, tzinfo=PARIS),
    "dst-autumn-sunday-02:30-second": datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("UTC")),
    "reunion-19-december-23:30-before-20-december": datetime(2027, 12, 19, 23, 30, tzinfo=REUNION),
}


@pytest.fixture(scope="module")
def demo_jurisdictions(django_db_setup, django_db_blocker):
    """The four demo jurisdictions, created (committed) once, dropped after the module."""
    with django_db_blocker.unblock():
        created = [
            create_jurisdiction(spec)[0]
            for spec in DEMO_JURISDICTIONS
            if not Jurisdiction.objects.filter(slug=spec.slug).exists()
        ]
        try:
            yield
        finally:
            connection.set_schema_to_public()
            for jurisdiction in created:
                jurisdiction.delete(force_drop=True)


def _local_day(instant, jurisdiction):
    return timezone.localtime(instant, jurisdiction.zone).date()


def _broken_promises(jurisdiction) -> list[str]:
    """What the demo of this jurisdiction promises a visitor, checked from its rows."""
    broken = []
    now = timezone.now()
    departements = jurisdiction.departement_list
    with tenant_context(jurisdiction):
        people = list(demo_people())
        if len(people) != 30:
            broken.append(f"{len(people)} demo people instead of 30")
        for person in people:
            upcoming = (
                Appointment.objects.filter(person=person, state=AppointmentState.BOOKED)
                .filter(starts_at__gt=now)
                .order_by("starts_at")
                .first()
            )
            if upcoming is None:
                broken.append(f"person {person.pk} has no appointment ahead")
            elif not is_open_day(_local_day(upcoming.starts_at, jurisdiction), departements):
                broken.append(f"person {person.pk} comes on a closed day")
        for appointment in Appointment.objects.filter(person__in=people):
            day = _local_day(appointment.starts_at, jurisdiction)
            weekend_ok = appointment.appointment_type.weekend_allowed
            if not is_open_day(day, departements, weekend_allowed=weekend_ok):
                broken.append(f"appointment {appointment.pk} on a closed day {day}")
        if not Appointment.objects.filter(person__in=people).awaiting_outcome().exists():
            broken.append("the worklist 'À renseigner' is empty")
        recent_no_shows = Appointment.objects.filter(person__in=people).no_shows_to_handle()
        if not recent_no_shows.filter(
            starts_at__gte=now - timedelta(days=NO_SHOW_WINDOW_DAYS)
        ).exists():
            broken.append("the worklist 'Absences' is empty")
        if not Slot.objects.future().exists():
            broken.append("no slot ahead")
        today = _local_day(now, jurisdiction)
        if is_open_day(today, departements):  # the agent's home shows a day (demo/backoffice.py)
            start, end = local_day_bounds(today, jurisdiction.zone)
            holders = Membership.objects.active().filter(
                jurisdiction=jurisdiction, role__in=APPOINTMENT_HOLDER_ROLES
            )
            first_time = local_datetime(today, TODAY_TIMES[0], jurisdiction.zone)
            for user_id in holders.values_list("user_id", flat=True):
                day = Appointment.objects.filter(
                    assigned_agent_id=user_id, starts_at__gte=start, starts_at__lt=end
                )
                if not day.exists():
                    broken.append(f"agent {user_id} has no appointment today on the home")
                elif now > first_time and not day.awaiting_outcome().exists():
                    broken.append(f"agent {user_id} has nothing of today to record")
        past = Message.objects.filter(appointment__starts_at__lt=now)
        if past.filter(state__in=PENDING_STATES).exists():
            broken.append("an SMS of a past appointment is still pending")
        if not Message.objects.filter(state=MessageState.FAILED).exists():
            broken.append("the page 'SMS en échec' is empty")
        portal_person = people[0] if people else None
        if portal_person is None or portal_person.phone != DEMO_PHONE[jurisdiction.phone_region]:
            broken.append("the portal's demo person is not the first demo person")
        elif not (
            ChangeRequest.objects.open()
            .filter(appointment__person=portal_person, appointment__starts_at__gt=now)
            .exists()
        ):
            broken.append("the portal's demo person has no open request on a coming appointment")
        # Retention (demo/retention.py): the run erased its cases, left the others to come.
        if Person.objects.filter(last_name__startswith=f"{RETENTION_PREFIX}EFFACEMENT").exists():
            broken.append("the people due for erasure were not erased")
        to_archive, _ = retention.due_soon(now)
        if to_archive.total < 2:
            broken.append("the retention page has nobody to archive in the next 30 days")
        if not retention.holds_to_review(now).exists():
            broken.append("the retention page has no hold to review")
        if Person.objects.archived().filter(pk__in=[p.pk for p in people]).exists():
            broken.append("the retention run archived a demo person")
    last_run = Run.objects.filter(jurisdiction=jurisdiction, on_request=False).first()
    if last_run is None or last_run.state != RunState.DONE:
        broken.append("the local admin's retention page shows no finished run")
    return broken


def _attendance(rows) -> float:
    totals = rows.aggregate(fulfilled=Sum("fulfilled"), missed=Sum("missed"))
    return totals["fulfilled"] / (totals["fulfilled"] + totals["missed"])


@pytest.mark.skipif(
    bool(os.environ.get("TEST_CLOCK")), reason="sets its own instants; once per make test"
)
@pytest.mark.django_db
@pytest.mark.parametrize("instant", list(INSTANTS.values()), ids=list(INSTANTS))
def test_the_demo_keeps_its_promises_at_any_instant(demo_jurisdictions, instant):
    with time_machine.travel(instant, tick=True), transaction.atomic():
        seed_demo(opening=False)  # the kit's opening: tests/demo/test_opening.py
        # A second run the same day changes nothing (a `make run` again).
        counts = {}
        by_slug = {j.slug: j for j in Jurisdiction.objects.filter(slug__in=_demo_slugs())}
        for slug, jurisdiction in by_slug.items():
            with tenant_context(jurisdiction):
                counts[slug] = (Appointment.objects.count(), ChangeRequest.objects.count())
        seed_demo(opening=False)  # the kit's opening: tests/demo/test_opening.py
        for slug, jurisdiction in by_slug.items():
            with tenant_context(jurisdiction):
                again = (Appointment.objects.count(), ChangeRequest.objects.count())
            assert again == counts[slug], slug

        broken = {slug: _broken_promises(j) for slug, j in by_slug.items()}
        assert broken == {slug: [] for slug in by_slug}

        assert by_slug["douai"].status == JurisdictionStatus.ONBOARDING
        for slug in HISTORY_SLUGS:
            jurisdiction = by_slug[slug]
            went_live = _local_day(jurisdiction.went_live_at, jurisdiction).replace(day=1)
            months = AppointmentMonth.objects.filter(jurisdiction=jurisdiction)
            before = _attendance(months.filter(month__lt=went_live))
            after = _attendance(months.filter(month__gt=went_live))
            assert before < 0.70 < 0.78 < after, (slug, before, after)
        _transfers_demo_in_place(by_slug)
        transaction.set_rollback(True)


def _transfers_demo_in_place(by_slug) -> None:
    """README: registering the documented person at Nanterre warns that Lille follows them, and
    Nanterre has one request from Lille to answer (asked once, however many seeds)."""
    lille, nanterre = by_slug["lille"], by_slug["nanterre"]
    hits = followed_elsewhere(MOVED_TO_NANTERRE, jurisdiction_id=nanterre.pk)
    assert [hit.jurisdiction_id for hit in hits] == [lille.pk]
    waiting = Transfer.objects.pending().answered_by(nanterre)
    assert list(waiting.values_list("target__slug", flat=True)) == ["lille"]
    assert Jurisdiction.objects.get(slug="lille").service_contact


def _demo_slugs():
    return [spec.slug for spec in DEMO_JURISDICTIONS]


def test_the_instants_cover_every_day_of_the_week():
    assert {instant.astimezone(PARIS).weekday() for instant in INSTANTS.values()} == set(range(7))
