import time

import pytest
from django.core.management import call_command
from django.test import Client
from django_celery_beat.models import PeriodicTask
from django_tenants.utils import schema_context, tenant_context

from jurisdiction_apps.core.models import Heartbeat
from jurisdiction_apps.core.tasks import heartbeat, heartbeat_live_jurisdictions
from tests.auth import sign_in
from tests.factories import MembershipFactory


def heartbeats(jurisdiction) -> list[Heartbeat]:
    with schema_context(jurisdiction.schema_name):
        return list(Heartbeat.objects.all())


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_periodic_heartbeat_runs_once_in_each_live_jurisdiction_and_nowhere_else(
    celery_worker, committed_db
):
    """One national task writes every live jurisdiction's row (docs/adr/0019)."""
    alpha, beta, gamma = committed_db["alpha"], committed_db["beta"], committed_db["gamma"]
    sent = heartbeat_live_jurisdictions.delay()  # as beat does, from public
    assert sent.id
    assert wait_for(lambda: heartbeats(alpha) and heartbeats(beta))
    time.sleep(0.5)  # let any stray duplicate arrive before counting

    (in_alpha,) = heartbeats(alpha)
    (in_beta,) = heartbeats(beta)
    assert heartbeats(gamma) == []  # onboarding: no periodic work yet
    assert in_alpha.schema_name == alpha.schema_name
    assert in_beta.schema_name == beta.schema_name
    # Each row is written in its jurisdiction's time zone, by the worker.
    assert in_alpha.time_zone == "Europe/Paris"
    assert in_beta.time_zone == "Indian/Reunion"
    assert in_beta.local_time.endswith("+04:00")
    assert in_alpha.worker and in_alpha.worker == in_beta.worker


def test_a_task_runs_in_the_schema_it_was_sent_from(celery_worker, committed_db):
    alpha, beta = committed_db["alpha"], committed_db["beta"]
    with tenant_context(beta):
        heartbeat.delay()
    assert wait_for(lambda: heartbeats(beta))
    assert heartbeats(alpha) == []


def test_beat_schedule_is_stored_for_django_celery_beat(committed_db):
    call_command("sync_periodic_tasks")
    call_command("sync_periodic_tasks")
    everything = list(PeriodicTask.objects.all())
    national = [task for task in everything if task.args == "[]"]
    tasks = {task.args: task for task in everything if task.args != "[]"}
    assert set(tasks) == {
        '["jurisdiction.generate_slots"]',
        '["jurisdiction.sms_sweep"]',
        '["jurisdiction.refresh_statistics"]',
    }
    national = {task.task: task for task in national}
    assert set(national) == {
        "platform.retention_nightly",
        "platform.heartbeat",
        "platform.transfers_due",
    }
    # Transfer reminders and automatic acceptances (issue 19): one national task, every 15 min.
    assert national["platform.transfers_due"].interval.every == 900
    # The retention job is one national task that fans out itself, every night in Paris.
    retention = national["platform.retention_nightly"]
    assert retention.crontab is not None and retention.interval is None
    assert (retention.crontab.minute, retention.crontab.hour) == ("30", "2")
    assert str(retention.crontab.timezone) == "Europe/Paris"
    # One national heartbeat task writes every live jurisdiction's row.
    assert national["platform.heartbeat"].interval.every == 300
    statistics = tasks.pop('["jurisdiction.refresh_statistics"]')
    # Statistics run in every jurisdiction (the months before going live are the baseline),
    # woken only where the data changed (docs/adr/0019).
    assert statistics.task == "platform.wake_every_jurisdiction"
    assert statistics.interval.every == 3600
    assert {task.task for task in tasks.values()} == {"platform.wake_live_jurisdictions"}
    assert tasks['["jurisdiction.generate_slots"]'].interval.every == 86400
    assert tasks['["jurisdiction.sms_sweep"]'].interval.every == 30


def test_a_schedule_written_by_the_old_release_is_rewritten(committed_db):
    """Deployments before ADR 0019 stored one fan-out per entry: the next sync replaces them."""
    call_command("sync_periodic_tasks")
    PeriodicTask.objects.filter(name="Battement de chaque juridiction").update(
        task="platform.run_in_live_jurisdictions", args='["jurisdiction.heartbeat"]'
    )
    PeriodicTask.objects.filter(name="Envoi des SMS dus").update(
        task="platform.run_in_live_jurisdictions"
    )
    call_command("sync_periodic_tasks")
    heartbeat_entry = PeriodicTask.objects.get(name="Battement de chaque juridiction")
    assert (heartbeat_entry.task, heartbeat_entry.args) == ("platform.heartbeat", "[]")
    sweep = PeriodicTask.objects.get(name="Envoi des SMS dus")
    assert (sweep.task, sweep.args) == (
        "platform.wake_live_jurisdictions",
        '["jurisdiction.sms_sweep"]',
    )


@pytest.mark.parametrize(
    ("slug", "offset"), [("alpha", ("+01:00", "+02:00")), ("beta", ("+04:00",))]
)
def test_requests_run_in_the_jurisdictions_time_zone(jurisdictions, slug, offset):
    membership = MembershipFactory(jurisdiction=jurisdictions[slug])
    client = Client()
    sign_in(client, membership.user)
    body = client.get("/api/v1/moi/", HTTP_HOST=f"{slug}.localhost").json()
    assert body["local_time"].endswith(offset)
    assert body["jurisdiction"]["slug"] == slug
