"""Aggregates computed from a jurisdiction's own rows: counts, local days, idempotence."""

import re
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.constants import MessageState
from jurisdiction_apps.portal.constants import Author, ChangeRequestState
from jurisdiction_apps.scheduling.constants import AppointmentState
from shared.national_stats import aggregation
from shared.national_stats.aggregation import rebuild, refresh
from shared.national_stats.constants import ALL
from shared.national_stats.models import (
    AppointmentDay,
    AppointmentMonth,
    FollowedDay,
    MessageDay,
    MessageMonth,
    Refresh,
)
from shared.national_stats.tasks import refresh_statistics
from tenants.tasks import run_in_every_jurisdiction

from .helpers import at, make_appointment, make_message, make_person

pytestmark = pytest.mark.django_db
DAY = date(2026, 10, 14)


def _all_types(model, **where):
    return model.objects.get(appointment_type=ALL, **where)


def test_outcomes_bookings_and_people_of_a_day(alpha):
    with tenant_context(alpha):
        people = [make_person(i) for i in range(6)]
        for person, state in zip(
            people[:4], ["fulfilled", "fulfilled", "no_show", "excused"], strict=True
        ):
            make_appointment(person, at(DAY, 9), state, booked_at=at(DAY - timedelta(days=10)))
        make_appointment(people[0], at(DAY, 15), "fulfilled", booked_at=at(DAY - timedelta(3)))
        make_appointment(people[4], at(DAY, 11), "cancelled", booked_at=at(DAY))
        old = make_appointment(people[5], at(DAY, 11), "cancelled", booked_at=at(DAY))
        make_appointment(
            people[5], at(DAY + timedelta(7)), "booked", booked_at=at(DAY), replaces=old
        )
        make_appointment(people[5], at(DAY, 16), "booked", code="sortie-audience-spip")
        report = refresh(alpha, DAY, DAY)
    assert report.months == [date(2026, 10, 1)]
    row = _all_types(AppointmentDay, jurisdiction=alpha, day=DAY)
    assert (row.fulfilled, row.missed, row.excused) == (3, 1, 1)
    assert (row.cancelled, row.rescheduled, row.pending) == (1, 1, 1)
    assert row.people == 6 and row.people_outcome == 3
    # Booked that day: the two cancelled, the replacement and the one of the day.
    assert row.booked == 4
    assert row.delays[0] == 3 and row.delays[7] == 1
    spip = AppointmentDay.objects.get(
        jurisdiction=alpha, day=DAY, appointment_type="sortie-audience-spip"
    )
    assert (spip.pending, spip.people, spip.service_kind) == (1, 1, "spip")
    suivi = AppointmentDay.objects.get(
        jurisdiction=alpha, day=DAY, appointment_type="convocation-suivi-spip"
    )
    assert suivi.appointment_type_label == "Convocation de suivi SPIP"
    assert suivi.fulfilled == 3


def test_days_are_the_jurisdiction_s_local_days(alpha, beta):
    reunion = ZoneInfo("Indian/Reunion")
    with tenant_context(beta):
        person = make_person(1)
        # 01:30 at La Réunion on the 14th is 21:30 UTC on the 13th.
        make_appointment(person, at(DAY, 1, 30, zone=reunion), "fulfilled")
        refresh(beta, DAY - timedelta(1), DAY)
    assert _all_types(AppointmentDay, jurisdiction=beta, day=DAY).fulfilled == 1
    assert not AppointmentDay.objects.filter(jurisdiction=beta, day=DAY - timedelta(1)).exists()
    with tenant_context(alpha):
        # 23:30 in Paris on the 14th is the 14th in Paris (21:30 UTC).
        make_appointment(make_person(2), at(DAY, 23, 30), "no_show")
        refresh(alpha, DAY, DAY + timedelta(1))
    assert _all_types(AppointmentDay, jurisdiction=alpha, day=DAY).missed == 1


def test_month_rows_count_a_person_once_and_days_once_per_day(alpha):
    with tenant_context(alpha):
        person = make_person(1)
        make_appointment(person, at(DAY), "fulfilled")
        make_appointment(person, at(DAY + timedelta(7)), "no_show")
        refresh(alpha, DAY, DAY + timedelta(7))
    days = AppointmentDay.objects.filter(jurisdiction=alpha, appointment_type=ALL)
    assert sum(d.people for d in days) == 2
    month = _all_types(AppointmentMonth, jurisdiction=alpha, month=date(2026, 10, 1))
    assert (month.people, month.people_outcome, month.fulfilled, month.missed) == (1, 1, 1, 1)


def test_sms_by_creation_day_and_kind(alpha):
    with tenant_context(alpha):
        appointment = make_appointment(make_person(1), at(DAY + timedelta(2)), booked_at=at(DAY))
        sent = timezone.now()
        make_message(appointment, "summon", "delivered", at(DAY), sent_at=sent, delivered_at=sent)
        make_message(appointment, "reminder", "failed", at(DAY, 12), sent_at=sent)
        make_message(appointment, "no_show", "not_sendable", at(DAY, 13))
        refresh(alpha, DAY, DAY)
    everything = MessageDay.objects.get(jurisdiction=alpha, day=DAY, appointment_type=ALL, kind=ALL)
    assert (everything.created, everything.sent, everything.delivered) == (3, 2, 1)
    assert (everything.failed, everything.not_sendable, everything.people) == (1, 1, 1)
    reminders = MessageMonth.objects.get(
        jurisdiction=alpha, month=date(2026, 10, 1), appointment_type=ALL, kind="reminder"
    )
    assert (reminders.sent, reminders.failed) == (1, 1)
    assert MessageDay.objects.filter(
        jurisdiction=alpha, day=DAY, appointment_type="convocation-suivi-spip", kind=ALL
    ).exists()


def test_people_followed_at_the_end_of_each_day(alpha):
    with tenant_context(alpha):
        kept, archived = make_person(1), make_person(2)
        type(kept).objects.filter(pk__in=[kept.pk, archived.pk]).update(created_at=at(DAY, 8))
        type(kept).objects.filter(pk=archived.pk).update(archived_at=at(DAY + timedelta(1), 12))
        refresh(alpha, DAY - timedelta(1), DAY + timedelta(2))
    followed = dict(
        FollowedDay.objects.filter(jurisdiction=alpha).values_list("day", "people_followed")
    )
    assert followed == {
        DAY - timedelta(1): 0,
        DAY: 2,
        DAY + timedelta(1): 1,
        DAY + timedelta(2): 1,
    }


def test_recomputing_is_idempotent_and_follows_later_changes(alpha):
    with tenant_context(alpha):
        appointment = make_appointment(make_person(1), at(DAY), "booked")
        refresh(alpha, DAY, DAY)
        rows = AppointmentDay.objects.count(), AppointmentMonth.objects.count()
        refresh(alpha, DAY, DAY)
        assert (AppointmentDay.objects.count(), AppointmentMonth.objects.count()) == rows
        type(appointment).objects.filter(pk=appointment.pk).update(state="fulfilled")
        refresh(alpha, DAY, DAY)
    row = _all_types(AppointmentDay, jurisdiction=alpha, day=DAY)
    assert (row.pending, row.fulfilled) == (0, 1)
    assert Refresh.objects.get(jurisdiction=alpha).last_day == DAY


def test_a_refresh_touches_only_its_jurisdiction(alpha, beta):
    with tenant_context(beta):
        make_appointment(make_person(1), at(DAY), "fulfilled")
        refresh(beta, DAY, DAY)
    with tenant_context(alpha):
        refresh(alpha, DAY, DAY)
    assert AppointmentDay.objects.filter(jurisdiction=beta).exists()


def test_rebuild_recomputes_history_month_by_month(alpha):
    with tenant_context(alpha):
        person = make_person(1)
        make_appointment(person, at(date(2026, 7, 3)), "fulfilled")
        make_appointment(person, at(date(2026, 9, 3)), "no_show")
    reports = rebuild(alpha)
    assert [r.months[0] for r in reports][:3] == [
        date(2026, 7, 1),
        date(2026, 8, 1),
        date(2026, 9, 1),
    ]
    assert _all_types(AppointmentMonth, jurisdiction=alpha, month=date(2026, 9, 1)).missed == 1
    call_command("rebuild_statistics", "--jurisdiction", "alpha")
    assert _all_types(AppointmentMonth, jurisdiction=alpha, month=date(2026, 7, 1)).fulfilled == 1
    with pytest.raises(CommandError, match=re.escape("Juridiction inconnue : « nulle-part ».")):
        call_command("rebuild_statistics", "--jurisdiction", "nulle-part")


def test_the_periodic_refresh_reaches_every_jurisdiction_even_onboarding(alpha, gamma, settings):

    with mock.patch("tenants.tasks.current_app.send_task") as send:
        sent = run_in_every_jurisdiction("jurisdiction.refresh_statistics")
    assert sent == send.call_count >= 3
    with tenant_context(gamma):
        refresh_statistics()
    refreshed = Refresh.objects.get(jurisdiction=gamma)
    assert (refreshed.last_day - refreshed.first_day).days == settings.STATS_REFRESH_DAYS
    assert isinstance(refreshed.refreshed_at, datetime)


@pytest.mark.parametrize(
    ("states", "counted"),
    [
        (AppointmentState, aggregation.APPOINTMENT_STATES),
        (MessageState, aggregation.MESSAGE_STATES),
        (ChangeRequestState, aggregation.CHANGE_REQUEST_STATES),
        (Author, aggregation.MESSAGE_AUTHORS),
    ],
    ids=["appointments", "sms", "change-requests", "portal-messages"],
)
def test_every_state_of_the_tenant_apps_is_counted(states, counted):
    """A state added to a tenant app must find its place in the national figures: the SQL reads
    the states through aggregation.STATE_PARAMS, from the owning apps' constants."""
    assert set(counted) == set(states.values)


def test_the_statistics_sql_reads_states_only_through_the_apps_constants():
    enums = (AppointmentState, MessageState, ChangeRequestState, Author)
    assert all(isinstance(value, enums) for value in aggregation.STATE_PARAMS.values())
    for sql in (aggregation.OUTCOMES_SQL, aggregation.MESSAGES_SQL, aggregation.PORTAL_SQL):
        assert not re.search(r"state\s*(=|IN)\s*\(?'", sql)
        assert not re.search(r"author\s*=\s*'", sql)
