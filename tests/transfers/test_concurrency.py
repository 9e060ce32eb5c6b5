"""Two agents accepting at once, and a worker killed in the middle of an acceptance (issue 19,
faults): exactly one acceptance wins; a kill leaves the person entirely in one jurisdiction."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent
from shared.person_index.models import Entry
from shared.transfers import copying, services
from shared.transfers.constants import State
from tenants.constants import Role
from tests.transfers.helpers import agent, appointment, person, push


def _pending_push(alpha, beta, who):
    return push(alpha, beta, who, agent(alpha))


def test_two_agents_accepting_at_the_same_moment_exactly_one_wins(committed_db, monkeypatch):
    alpha, beta = committed_db["alpha"], committed_db["beta"]
    who = person(alpha)
    for days in (-20, -10, 7):
        appointment(alpha, who, days=days)
    transfer = _pending_push(alpha, beta, who)
    agents = [agent(beta, Role.DPIP), agent(beta, Role.JAP)]
    copy_history = copying.copy_history

    def slow_copy(*args, **kwargs):  # both acceptances overlap inside the transaction
        time.sleep(0.3)
        return copy_history(*args, **kwargs)

    monkeypatch.setattr(copying, "copy_history", slow_copy)
    start = threading.Barrier(2)
    outcomes: dict = {}

    def answer(user):
        start.wait()
        try:
            services.accept(transfer.pk, jurisdiction=beta, acting_user=user)
            outcomes[user.pk] = "accepted"
        except services.TransferError as error:
            outcomes[user.pk] = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(user,)) for user in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert list(outcomes.values()).count("accepted") == 1, outcomes
    loser = next(text for text in outcomes.values() if text != "accepted")
    assert "déjà reçu une réponse" in loser
    transfer.refresh_from_db()
    assert transfer.state == State.ACCEPTED and outcomes[transfer.answered_by_id] == "accepted"
    with tenant_context(beta):
        assert Person.objects.filter(appi_number=who.appi_number).count() == 1
        copied = Person.objects.get(appi_number=who.appi_number)
        assert Appointment.objects.filter(person=copied).count() == 2  # the past ones, once


KILLED_ACCEPTANCE = """
import os, sys, time
import django
django.setup()
from shared.transfers import copying, services
from tenants.models import Jurisdiction

copy_history = copying.copy_history

def copy_then_hang(*args, **kwargs):
    result = copy_history(*args, **kwargs)  # the history is written in the target's schema...
    open(sys.argv[2], "w").close()
    time.sleep(120)  # ...and the worker is killed before the transaction ends
    return result

copying.copy_history = copy_then_hang
beta = Jurisdiction.objects.get(slug="beta")
services.accept(int(sys.argv[1]), jurisdiction=None, acting_user=None)
"""


WORKER_NAME = "transfer-killed-worker"


def _wait_until_its_session_is_gone(seconds: float = 20) -> None:
    """PostgreSQL ends the killed worker's session (and rolls its transaction back) once it sees
    the socket closed; wait for it, so that no session of it outlives the test."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [WORKER_NAME]
            )
            if cursor.fetchone()[0] == 0:
                return
            assert time.monotonic() < deadline, "the killed worker's session is still there"
            time.sleep(0.05)


def _snapshot(alpha, beta, who) -> dict:
    with tenant_context(alpha):
        source = Person.objects.filter(pk=who.pk).values("archived_at", "transferred_at").get()
        booked = Appointment.objects.filter(
            person_id=who.pk, state=AppointmentState.BOOKED, starts_at__gte=timezone.now()
        ).count()
    with tenant_context(beta):
        at_target = {
            "people": Person.objects.count(),
            "appointments": Appointment.objects.count(),
            "events": AppointmentEvent.objects.count(),
        }
    index = sorted(
        Entry.objects.filter(person_id=who.pk).values_list("jurisdiction__slug", "archived")
    )
    return {"source": source, "booked": booked, "target": at_target, "index": index}


def test_a_worker_killed_in_the_middle_of_an_acceptance_leaves_the_person_in_one_place(
    committed_db, tmp_path: Path
):
    alpha, beta = committed_db["alpha"], committed_db["beta"]
    who = person(alpha)
    for days in (-40, -20, 9):
        appointment(alpha, who, days=days)
    transfer = _pending_push(alpha, beta, who)
    before = _snapshot(alpha, beta, who)
    marker = tmp_path / "copied"
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "saas_platform.settings.test",
        "DATABASE_URL": (
            # The host may be a socket directory (the embedded server): percent-encode it.
            f"postgres://{database['USER']}@{quote(database['HOST'] or '', safe='')}"
            f":{database['PORT']}/"
            f"{database['NAME']}?application_name={WORKER_NAME}"
        ),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_ACCEPTANCE, str(transfer.pk), str(marker)],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker never reached the copy"
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stderr.close()

    assert worker.returncode == -signal.SIGKILL
    _wait_until_its_session_is_gone()
    transfer.refresh_from_db()
    assert transfer.state == State.PENDING
    assert _snapshot(alpha, beta, who) == before  # nothing half copied, nothing half cancelled
    # The beat task's next pass finishes the acceptance.
    result = services.accept(transfer.pk, jurisdiction=None, acting_user=None)
    after = _snapshot(alpha, beta, who)
    assert after["source"]["transferred_at"] is not None and after["booked"] == 0
    assert after["target"]["people"] == before["target"]["people"] + 1
    assert Entry.objects.filter(jurisdiction=beta, person_id=result.target_person_id).exists()
