"""Issue 18, point 4: once the nightly job erased a person, nothing of theirs is left in any table
of the schema (or of the public schema), under private media, or in Redis; and the national
statistics already computed do not change."""

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import retention
from jurisdiction_apps.people.models import Person
from shared.national_stats.aggregation import local_today, rebuild, refresh
from shared.national_stats.models import (
    AppointmentDay,
    AppointmentMonth,
    FollowedDay,
    MessageDay,
    MessageMonth,
    PortalMonth,
)
from shared.national_stats.tasks import refresh_statistics
from shared.retention.constants import Category
from tenants.constants import Role
from tests.factories import MembershipFactory
from tests.people.helpers import agent_client

from .helpers import (
    files_mentioning,
    identity,
    redis_mentioning,
    rows_mentioning,
    seed_person_with_everything,
)

pytestmark = pytest.mark.django_db


def leftovers(jurisdiction, who) -> dict[str, list[str]]:
    found = {}
    for needle in who.needles:
        places = rows_mentioning(jurisdiction.schema_name, needle)
        places += rows_mentioning("public", needle)
        places += files_mentioning(needle)
        places += [f"redis {key}" for key in redis_mentioning(needle)]
        if places:
            found[needle] = places
    return found


def statistics_rows(jurisdiction) -> dict:
    rows = {}
    for model in (
        AppointmentDay,
        AppointmentMonth,
        MessageDay,
        MessageMonth,
        FollowedDay,
        PortalMonth,
    ):
        rows[model.__name__] = sorted(
            tuple(sorted((k, str(v)) for k, v in row.items() if k not in ("id", "computed_at")))
            for row in model.objects.filter(jurisdiction=jurisdiction).values()
        )
    return rows


def test_an_erased_person_leaves_nothing_anywhere_and_the_figures_stay(
    alpha, caplog, django_capture_on_commit_callbacks
):
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    erased, kept = identity(1), identity(2)
    long_ago = timezone.now() - timedelta(days=3 * 365)
    person = seed_person_with_everything(alpha, erased, agent=agent, when=long_ago)
    control = seed_person_with_everything(
        alpha, kept, agent=agent, when=timezone.now() - timedelta(days=20)
    )
    with tenant_context(alpha):
        Person.objects.filter(pk=person.pk).update(archived_at=long_ago + timedelta(days=400))
    # Agents read both files (view logs, the list searched by name: whatever the pages cache).
    client = agent_client(alpha, Role.DPIP)
    for who, someone in ((erased, person), (kept, control)):
        assert client.get(f"/personnes/{someone.pk}/").status_code == 200
        assert client.get("/personnes/", {"q": who.last_name}).status_code == 200
    cache.set("retention-probe", f"sonde {kept.last_name}")  # proves the Redis search finds
    # The national figures of the erased person's months, computed before the erasure.
    with tenant_context(alpha):
        first_day = timezone.localtime(long_ago, alpha.zone).date() - timedelta(days=40)
        refresh(alpha, first_day, local_today(alpha))
    figures_before = statistics_rows(alpha)
    assert any(row for row in figures_before["AppointmentMonth"])

    before = leftovers(alpha, erased)
    # The search finds every kind of place where the person is written before the erasure.
    assert set(before) == set(erased.needles), before
    assert any(
        "/private/" in place or "private" in place for places in before.values() for place in places
    )

    caplog.set_level(logging.DEBUG)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        outcome = retention.run()
        refresh_statistics()  # the hourly refresh, after the erasure
        rebuild(alpha)  # and a whole rebuild: months already computed are kept

    assert outcome.counts[Category.PEOPLE_ERASE] == 1
    assert leftovers(alpha, erased) == {}
    # The other person's data is all there, found by the same searches.
    assert set(leftovers(alpha, kept)) == set(kept.needles)
    with tenant_context(alpha):
        assert Person.objects.filter(pk=control.pk).exists()
    # The job's log lines carry counts, never who.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "retention" in logged
    for needle in erased.needles:
        assert needle not in logged
    assert statistics_rows(alpha) == figures_before
    connection.set_schema_to_public()


def test_a_rebuild_asked_to_recompute_erased_months_drops_the_erased_people(alpha):
    """The escape hatch of rebuild_statistics --recompute-erased does what it says."""
    agent = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    long_ago = timezone.now() - timedelta(days=3 * 365)
    person = seed_person_with_everything(alpha, identity(1), agent=agent, when=long_ago)
    with tenant_context(alpha):
        Person.objects.filter(pk=person.pk).update(archived_at=long_ago + timedelta(days=400))
        rebuild(alpha)
        before = statistics_rows(alpha)
        retention.run()
        rebuild(alpha)
        assert statistics_rows(alpha) == before
        since = timezone.localtime(long_ago, alpha.zone).date().replace(day=1)
        rebuild(alpha, since, recompute_erased=True)
        assert statistics_rows(alpha) != before
