"""Why the demo's SMS chart was empty from January to November: the invented history had
appointments but no SMS at all, so only the last weeks' SMS of the 30 demo people counted. The
history now has the reminders of the months after going live, and none before."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import tenant_context

from demo.backoffice import backfill_history_sms, seed_history
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.organisation.constants import PlaceKind
from jurisdiction_apps.organisation.models import Place, Service
from shared.national_stats.aggregation import local_today, months_between, rebuild
from shared.national_stats.constants import ALL
from shared.national_stats.models import MessageMonth

pytestmark = pytest.mark.django_db


def _office(jurisdiction):
    with tenant_context(jurisdiction):
        service = Service.objects.filter(kind="spip").first() or Service.objects.create(
            kind="spip", name="SPIP d'essai"
        )
        Place.objects.create(kind=PlaceKind.OFFICE, service=service, name="Antenne d'essai")


def _sent_by_month(jurisdiction) -> dict:
    rows = (
        MessageMonth.objects.filter(jurisdiction=jurisdiction, appointment_type=ALL, kind=ALL)
        .values("month")
        .annotate(sent=Sum("sent"))
    )
    return {row["month"]: row["sent"] for row in rows}


def test_the_demo_history_has_sms_in_every_month_after_going_live(alpha):
    _office(alpha)
    with tenant_context(alpha):
        assert seed_history(alpha, months=12, live_since_months=6)
    today = local_today(alpha)
    live_since = today - timedelta(days=30 * 6)
    rebuild(alpha)
    sent = _sent_by_month(alpha)
    months = months_between(today - timedelta(days=30 * 12), today - timedelta(days=2))
    after = [m for m in months if m > live_since.replace(day=1)]
    before = [m for m in months if m < live_since.replace(day=1)]
    assert after and before
    assert all(sent.get(month, 0) > 0 for month in after), sent
    assert all(sent.get(month, 0) == 0 for month in before), sent
    with tenant_context(alpha):
        first = Message.objects.order_by("appointment__starts_at").first().appointment.starts_at
        assert timezone.localdate(first, alpha.zone) >= live_since


def test_a_demo_seeded_before_gets_its_history_sms_once(alpha):
    alpha.went_live_at = None
    _office(alpha)
    with tenant_context(alpha):
        seed_history(alpha, months=12, live_since_months=6)
        Message.objects.all().delete()  # as the history was seeded before this fix
        assert not backfill_history_sms(alpha)  # not live: nothing sent
    alpha.went_live_at = timezone.now() - timedelta(days=90)
    with tenant_context(alpha):
        assert backfill_history_sms(alpha)
        count = Message.objects.count()
        assert count > 0
        assert not backfill_history_sms(alpha)  # once
        assert Message.objects.count() == count
        first = Message.objects.order_by("appointment__starts_at").first().appointment.starts_at
        assert first >= alpha.went_live_at - timedelta(days=1)
