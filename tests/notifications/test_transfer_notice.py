"""The SMS telling a transferred person who follows them now (issue 19, point 3): queued in the
source's schema by the acceptance, with it or not at all, once, never to who refuses SMS."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications import sending
from jurisdiction_apps.notifications.constants import FailureReason, MessageState, NoticeSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.notifications.transfer_notice import queue_transfer_notice, transfer_text
from jurisdiction_apps.people.models import Person
from shared.sms_texts.encoding import measure
from shared.transfers import services
from shared.transfers.constants import State
from shared.transfers.models import Transfer
from tenants.constants import Role
from tests.factories import MembershipFactory
from tests.notifications.conftest import quiet_hours_away_from_now, set_quiet_hours
from tests.transfers.helpers import pull, push

CONTACT = "SPIP de Bêta, 2 rue des Lilas, 0262 12 34 56"


@pytest.fixture
def agents(alpha, beta):
    return {
        "alpha": MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user,
        "beta": MembershipFactory(jurisdiction=beta, role=Role.DPIP).user,
    }


@pytest.fixture
def source(alpha, beta):
    """Alpha may send now; Beta has a contact for other services."""
    set_quiet_hours(alpha, *quiet_hours_away_from_now(alpha.zone))
    beta.service_contact = CONTACT
    beta.save(update_fields=["service_contact"])
    return alpha


def person_in(jurisdiction, **fields) -> Person:
    values = {
        "last_name": "ORVANDEL",
        "first_names": "Maëlis",
        "birth_date": "1984-03-07",
        "phone": "+33612345678",
        "appi_number": "771234509876",
        **fields,
    }
    with tenant_context(jurisdiction):
        return Person.objects.create(**values)


def offer(person, source, beta, agents, *, notify=True) -> Transfer:
    return push(source, beta, person, agents["alpha"], notify_person=notify)


def transfer_sms(jurisdiction, person):
    with tenant_context(jurisdiction):
        return list(Message.objects.filter(person_id=person.pk, kind=NoticeSmsKind.TRANSFER))


def test_accepting_a_push_with_notice_queues_one_gsm7_sms_naming_the_new_service(
    source, beta, agents, django_capture_on_commit_callbacks
):
    person = person_in(source)
    transfer = offer(person, source, beta, agents)
    with (
        mock.patch.object(sending.current_app, "send_task") as send_task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.accept(transfer.pk, jurisdiction=beta, acting_user=agents["beta"])

    (sms,) = transfer_sms(source, person)
    assert "Votre suivi est désormais assuré par Juridiction Beta." in sms.text
    assert "Contact : SPIP de Beta, 2 rue des Lilas, 0262 12 34 56." in sms.text
    cost = measure(sms.text)
    assert cost.is_gsm7 and cost.segments == 1 and sms.segments == 1
    # Handed over after the commit, in the source's schema (the acceptance ended elsewhere).
    assert sms.state == MessageState.QUEUED
    send_task.assert_called_once_with(sending.SEND_BATCH, args=[[sms.pk]])
    # Nothing of the kind at the target: the new service did not write.
    with tenant_context(beta):
        assert not Message.objects.filter(kind=NoticeSmsKind.TRANSFER).exists()


def test_the_notice_reaches_the_gateway_from_the_source_without_stop_line(
    source, beta, agents, gateway
):
    person = person_in(source)
    transfer = offer(person, source, beta, agents)
    services.accept(transfer.pk, jurisdiction=beta, acting_user=agents["beta"])
    with tenant_context(source):
        assert sending.sweep() == 1  # what beat does: claimed, handed over
        report = sending.send_batch(
            list(Message.objects.filter(state=MessageState.QUEUED).values_list("pk", flat=True))
        )
        assert report.sent == 1
        sms = Message.objects.get(person_id=person.pk, kind=NoticeSmsKind.TRANSFER)
        assert sms.state == MessageState.SENT and sms.phone == "+33612345678"
    (received,) = gateway.messages()
    assert received["reference"] == f"{source.pk}.{sms.pk}"
    assert received["text"] == sms.text and "STOP" not in received["text"]


def test_a_pull_tells_the_person_when_the_source_chooses_so_at_acceptance(source, beta, agents):
    person = person_in(source)
    transfer = pull(source, beta, person, agents["beta"])
    services.accept(
        transfer.pk, jurisdiction=source, acting_user=agents["alpha"], notify_person=True
    )
    (sms,) = transfer_sms(source, person)
    assert sms.state == MessageState.CREATED and "Juridiction Beta" in sms.text


def test_no_sms_without_the_notice(source, beta, agents):
    person = person_in(source)
    transfer = offer(person, source, beta, agents, notify=False)
    services.accept(transfer.pk, jurisdiction=beta, acting_user=agents["beta"])
    assert transfer_sms(source, person) == []
    with tenant_context(source):
        assert not Message.objects.filter(person_id=person.pk).exists()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"refuses_sms": True}, FailureReason.REFUSES_SMS),
        ({"phone": "", "no_mobile_phone": True}, FailureReason.NO_MOBILE),
    ],
)
def test_nothing_is_sent_to_who_refuses_sms_or_has_no_mobile(source, beta, agents, fields, reason):
    person = person_in(source, **fields)
    transfer = offer(person, source, beta, agents)
    services.accept(transfer.pk, jurisdiction=beta, acting_user=agents["beta"])
    (sms,) = transfer_sms(source, person)
    # Recorded as not sendable, with the reason agents see; nothing due, no text.
    assert (sms.state, sms.reason, sms.due_at, sms.text) == (
        MessageState.NOT_SENDABLE,
        reason,
        None,
        "",
    )


def test_a_rolled_back_acceptance_leaves_no_sms(
    source, beta, agents, django_capture_on_commit_callbacks
):
    person = person_in(source)
    transfer = offer(person, source, beta, agents)
    with (
        mock.patch.object(Transfer, "save", side_effect=RuntimeError("worker killed")),
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
    ):
        services.accept(transfer.pk, jurisdiction=beta, acting_user=agents["beta"])
    assert callbacks == []
    assert transfer_sms(source, person) == []
    transfer.refresh_from_db()
    assert transfer.state == State.PENDING
    with tenant_context(source):
        assert not Person.objects.get(pk=person.pk).is_transferred


def test_exactly_one_notice_per_person(source, beta):
    person = person_in(source)
    with tenant_context(source):
        first = queue_transfer_notice(person, service_name="SPIP du Nord", contact="03 20 00 00 00")
        again = queue_transfer_notice(person, service_name="SPIP du Nord", contact="autre")
        assert again.pk == first.pk
        assert Message.objects.filter(person=person, kind=NoticeSmsKind.TRANSFER).count() == 1
        # The database refuses a second one whatever the code does.
        with pytest.raises(IntegrityError), transaction.atomic():
            Message.objects.create(
                person=person,
                kind=NoticeSmsKind.TRANSFER,
                due_at=timezone.now(),
                text="Votre suivi est désormais assuré par un autre service.",
            )


def test_at_night_the_notice_waits_for_the_morning(source, beta, agents):
    local = timezone.localtime(timezone.now(), source.zone)
    set_quiet_hours(
        source, (local - timedelta(hours=1)).time(), (local + timedelta(hours=1)).time()
    )
    person = person_in(source)
    transfer = offer(person, source, beta, agents)
    services.accept(transfer.pk, jurisdiction=beta, acting_user=agents["beta"])
    (sms,) = transfer_sms(source, person)
    assert sms.state == MessageState.CREATED
    assert sms.due_at > timezone.now() + timedelta(minutes=30)


def test_the_text_keeps_to_gsm7_and_drops_a_contact_that_is_only_the_name():
    assert transfer_text(
        "SPIP de l'Hérault  — antenne de Sète", "SPIP de l'Hérault — antenne de Sète"
    ) == ("Votre suivi est désormais assuré par SPIP de l'Hérault - antenne de Sète.")
    text = transfer_text("Tribunal judiciaire de Fôret", "Greffe SAP : 01 23 45 67 89.")
    assert text == (
        "Votre suivi est désormais assuré par Tribunal judiciaire de Foret. "
        "Contact : Greffe SAP : 01 23 45 67 89."
    )
    assert measure(text).is_gsm7 and measure(text).segments == 1
