"""Requests nobody answers (issue 19, point 3): one reminder e-mail to the answering service before
the due date, then the automatic acceptance by the beat task; the national policy sets the delay."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from shared.transfers import services, tasks
from shared.transfers.constants import State
from shared.transfers.models import Policy, Transfer
from tenants.constants import Role
from tests.transfers.helpers import agent, person, pull


def _pull(alpha, beta, who, *, asked_at):
    return pull(alpha, beta, who, agent(beta), now=asked_at)


def test_the_due_date_follows_the_national_policy(alpha, beta):
    Policy.objects.create(auto_accept_days=15, reminder_days_before=2)
    asked_at = timezone.now()
    transfer = _pull(alpha, beta, person(alpha), asked_at=asked_at)
    assert transfer.due_at == asked_at + timedelta(days=15)


def test_one_reminder_goes_to_the_answering_service_agents_with_the_right(alpha, beta, mailoutbox):
    answering = agent(alpha, Role.DPIP)
    agent(alpha, Role.CPIP)  # no transfer right: not reminded
    agent(beta, Role.LOCAL_ADMIN)  # the asking side: not reminded
    asked_at = timezone.now() - timedelta(days=3)
    who = person(alpha)
    transfer = _pull(alpha, beta, who, asked_at=asked_at)

    assert services.send_reminders(now=asked_at + timedelta(days=6)) == 0  # 4 days before due
    assert services.send_reminders(now=asked_at + timedelta(days=7, hours=1)) == 1
    assert services.send_reminders(now=asked_at + timedelta(days=8)) == 0  # once only
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [answering.email]
    assert "acceptée d'office le" in mail.body and beta.display_name in mail.body
    for secret in (who.last_name, who.phone, who.appi_number):
        assert secret not in mail.body  # no person in an e-mail
    transfer.refresh_from_db()
    assert transfer.reminded_at is not None and transfer.state == State.PENDING


def test_the_beat_task_accepts_requests_past_their_due_date_only(alpha, beta, mailoutbox):
    agent(alpha, Role.JAP)
    overdue_person, recent_person = person(alpha, 1), person(alpha, 2)
    overdue = _pull(alpha, beta, overdue_person, asked_at=timezone.now() - timedelta(days=11))
    recent = _pull(alpha, beta, recent_person, asked_at=timezone.now() - timedelta(days=2))

    assert tasks.transfers_due() == {"reminded": 1, "accepted": 1}

    overdue.refresh_from_db()
    recent.refresh_from_db()
    assert (overdue.state, overdue.auto_accepted, overdue.answered_by) == (
        State.ACCEPTED,
        True,
        None,
    )
    assert recent.state == State.PENDING
    with tenant_context(alpha):
        assert Person.objects.get(pk=overdue_person.pk).is_transferred
        assert not Person.objects.get(pk=recent_person.pk).is_transferred
    with tenant_context(beta):
        assert Person.objects.filter(pk=overdue.target_person_id).exists()


def test_an_automatic_acceptance_that_fails_stays_pending_and_the_others_go_on(alpha, beta):
    blocked, fine = person(alpha, 1), person(alpha, 2)
    person(beta, 3, phone=blocked.phone)  # the phone is taken at the target meanwhile
    long_ago = timezone.now() - timedelta(days=12)
    first = _pull(alpha, beta, blocked, asked_at=long_ago)
    second = _pull(alpha, beta, fine, asked_at=long_ago)

    assert services.accept_overdue() == 1

    assert Transfer.objects.get(pk=first.pk).state == State.PENDING
    assert Transfer.objects.get(pk=second.pk).state == State.ACCEPTED
