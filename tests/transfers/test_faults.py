"""Bad input and faults of transfers (issue 19, "Bad input and faults, each with a test"): each
refusal is a French sentence and changes nothing."""

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment
from shared.person_index.models import Entry
from shared.transfers import services
from shared.transfers.constants import State
from shared.transfers.models import Transfer
from tenants.constants import Role
from tests.transfers.helpers import agent, appointment, person, pull, push


def where_is(jurisdiction, who) -> dict:
    """What the source holds of one person, to compare before and after a refusal."""
    with tenant_context(jurisdiction):
        row = Person.objects.filter(pk=who.pk).values(
            "archived_at", "transferred_at", "transferred_to"
        )
        return {
            "person": list(row),
            "booked": Appointment.objects.filter(
                person_id=who.pk, state=AppointmentState.BOOKED
            ).count(),
            "index": list(
                Entry.objects.filter(jurisdiction=jurisdiction, person_id=who.pk).values_list(
                    "appi_key", "archived"
                )
            ),
        }


def test_a_transfer_to_the_same_jurisdiction_is_refused(alpha):
    who, by = person(alpha), agent(alpha)
    with pytest.raises(services.TransferError, match="autre juridiction"):
        push(alpha, alpha, who, by)
    assert not Transfer.objects.exists()


def test_a_transfer_to_a_jurisdiction_not_live_yet_is_refused(alpha, gamma):
    who, by = person(alpha), agent(alpha)
    with pytest.raises(services.TransferError, match="pas encore en service"):
        push(alpha, gamma, who, by)
    assert not Transfer.objects.exists()


def test_an_archived_person_cannot_be_transferred(alpha, beta):
    who, by = person(alpha, archived_at=timezone.now()), agent(alpha)
    with pytest.raises(services.TransferError, match="archivé"):
        push(alpha, beta, who, by)
    assert not Transfer.objects.exists()


def test_an_erased_person_cannot_be_transferred(alpha, beta):
    who, by = person(alpha), agent(alpha)
    with tenant_context(alpha):
        Person.objects.filter(pk=who.pk).delete()
    with pytest.raises(services.TransferError, match="effacé"):
        push(alpha, beta, who, by)
    assert not Transfer.objects.exists()


def test_a_reason_is_required(alpha, beta):
    who, by = person(alpha), agent(alpha)
    with pytest.raises(services.TransferError, match="motif"):
        push(alpha, beta, who, by, reason="  court ")
    assert not Transfer.objects.exists()


def test_a_second_request_while_one_is_open_is_refused_and_a_cancelled_one_changes_nothing(
    alpha, beta
):
    who, by_alpha, by_beta = person(alpha), agent(alpha), agent(beta)
    appointment(alpha, who, days=6)
    before = where_is(alpha, who)
    first = push(alpha, beta, who, by_alpha)
    with pytest.raises(services.TransferError, match="déjà en cours"):
        pull(alpha, beta, who, by_beta)
    assert Transfer.objects.count() == 1

    with pytest.raises(services.TransferError, match="Seule la juridiction qui a fait"):
        services.cancel(first.pk, jurisdiction=beta, acting_user=by_beta)
    services.cancel(first.pk, jurisdiction=alpha, acting_user=by_alpha)
    first.refresh_from_db()
    assert first.state == State.CANCELLED and first.answered_by == by_alpha
    assert where_is(alpha, who) == before
    # Once cancelled, a new request may be made; a cancelled one cannot be accepted.
    second = pull(alpha, beta, who, by_beta)
    with pytest.raises(services.TransferError, match="déjà reçu une réponse"):
        services.accept(first.pk, jurisdiction=beta, acting_user=by_beta)
    assert Transfer.objects.get(pk=second.pk).state == State.PENDING


def test_a_refusal_needs_a_comment_of_at_most_500_characters_and_changes_nothing(alpha, beta):
    who, by_alpha, by_beta = person(alpha), agent(alpha), agent(beta)
    appointment(alpha, who, days=3)
    before = where_is(alpha, who)
    transfer = pull(alpha, beta, who, by_beta)
    with pytest.raises(services.TransferError, match="Expliquez le refus"):
        services.refuse(transfer.pk, jurisdiction=alpha, comment="   ", acting_user=by_alpha)
    with pytest.raises(services.TransferError, match="500 caractères"):
        services.refuse(transfer.pk, jurisdiction=alpha, comment="x" * 501, acting_user=by_alpha)
    with pytest.raises(services.TransferError, match="attend la réponse de l'autre"):
        services.refuse(transfer.pk, jurisdiction=beta, comment="Non.", acting_user=by_beta)
    assert Transfer.objects.get(pk=transfer.pk).state == State.PENDING

    refusal = "Mesure en cours d'aménagement."
    services.refuse(transfer.pk, jurisdiction=alpha, comment=refusal, acting_user=by_alpha)
    transfer.refresh_from_db()
    assert (transfer.state, transfer.answered_by) == (State.REFUSED, by_alpha)
    assert where_is(alpha, who) == before
    with tenant_context(beta):
        assert not Person.objects.filter(last_name=who.last_name).exists()


@pytest.mark.parametrize("role", [Role.CPIP, Role.BEX, Role.PROSECUTOR, Role.EDUCATOR])
def test_an_answer_from_a_role_without_the_right_is_refused(alpha, beta, role):
    who = person(alpha)
    transfer = push(alpha, beta, who, agent(alpha))
    before = where_is(alpha, who)
    without_right = agent(beta, role)
    with pytest.raises(services.TransferError, match="Votre rôle ne permet pas"):
        services.accept(transfer.pk, jurisdiction=beta, acting_user=without_right)
    with pytest.raises(services.TransferError, match="Votre rôle ne permet pas"):
        services.refuse(transfer.pk, jurisdiction=beta, comment="Non", acting_user=without_right)
    with pytest.raises(services.TransferError, match="Votre rôle ne permet pas"):
        push(alpha, beta, person(alpha, 2), agent(alpha, role))
    assert Transfer.objects.get(pk=transfer.pk).state == State.PENDING
    assert where_is(alpha, who) == before


def test_an_agent_of_another_jurisdiction_cannot_answer(alpha, beta):
    """A member of the asking side answering its own request, or of a third party, is refused."""
    who = person(alpha)
    by_alpha = agent(alpha, Role.LOCAL_ADMIN)
    transfer = push(alpha, beta, who, by_alpha)
    with pytest.raises(services.TransferError, match="attend la réponse de l'autre"):
        services.accept(transfer.pk, jurisdiction=alpha, acting_user=by_alpha)
    # An alpha agent naming beta as their jurisdiction has no role there.
    with pytest.raises(services.TransferError, match="Votre rôle ne permet pas"):
        services.accept(transfer.pk, jurisdiction=beta, acting_user=by_alpha)
    assert Transfer.objects.get(pk=transfer.pk).state == State.PENDING


def test_a_phone_of_another_person_at_the_target_refuses_the_acceptance_and_changes_nothing(
    alpha, beta
):
    who = person(alpha, 1)
    person(beta, 2, phone=who.phone)  # someone else at beta has this number
    appointment(alpha, who, days=4)
    before = where_is(alpha, who)
    transfer = push(alpha, beta, who, agent(alpha))
    with pytest.raises(services.TransferError, match="téléphone de cette personne"):
        services.accept(transfer.pk, jurisdiction=beta, acting_user=agent(beta))
    assert Transfer.objects.get(pk=transfer.pk).state == State.PENDING
    assert where_is(alpha, who) == before
    with tenant_context(beta):
        assert not Person.objects.filter(last_name=who.last_name).exists()
        assert Person.objects.count() == 1


def test_a_target_record_of_the_same_person_is_merged_keeping_both_histories(alpha, beta):
    """ADR 0023: the transfer merges into the target's own record (same APPI number)."""
    who = person(alpha, 1, phone="+33612990144")
    past_at_alpha = appointment(alpha, who, days=-30)
    with tenant_context(alpha):
        Appointment.objects.filter(pk=past_at_alpha.pk).update(state=AppointmentState.FULFILLED)
    local = person(beta, 1, phone="", first_names="Camille Anne", archived_at=timezone.now())
    own_at_beta = appointment(beta, local, days=-60)
    transfer = pull(alpha, beta, who, agent(beta))

    result = services.accept(transfer.pk, jurisdiction=alpha, acting_user=agent(alpha))

    assert result.merged and result.target_person_id == local.pk
    with tenant_context(beta):
        assert Person.objects.filter(appi_number=who.appi_number).count() == 1
        merged = Person.objects.get(pk=local.pk)
        assert merged.phone == "+33612990144"  # what the target lacked, from the source
        assert merged.first_names == "Camille Anne"  # the target's own data stays
        assert merged.archived_at is None  # taken back into follow-up
        assert (merged.origin_jurisdiction_id, merged.origin_person_id) == (alpha.pk, who.pk)
        history = set(Appointment.objects.filter(person=merged).values_list("starts_at", flat=True))
        assert {own_at_beta.starts_at, past_at_alpha.starts_at} <= history
    assert list(
        Entry.objects.filter(person_id__in=[who.pk, local.pk]).values_list(
            "jurisdiction_id", "person_id"
        )
    ) == [(beta.pk, local.pk)]


def test_two_target_records_matching_refuse_the_acceptance(alpha, beta):
    who = person(alpha, 1)
    person(beta, 1, phone="+33600000001")  # same APPI number
    person(beta, 1, phone="+33600000002", appi_number="")  # same name and birth date, no APPI
    transfer = push(alpha, beta, who, agent(alpha))
    with pytest.raises(services.TransferError, match="Deux dossiers"):
        services.accept(transfer.pk, jurisdiction=beta, acting_user=agent(beta))
    assert Transfer.objects.get(pk=transfer.pk).state == State.PENDING
