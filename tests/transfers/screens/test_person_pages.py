"""A person's pages and a transferred record (issue 19, point 5): the pending request, the
read-only source record, the origin at the target, both trails; and the menu's count."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.organisation.models import AppointmentType, Place
from jurisdiction_apps.people import services as people_services
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.models import PortalMessage
from jurisdiction_apps.portal.services.messages import MessageRefused, post_team_message
from jurisdiction_apps.scheduling.models import Appointment
from jurisdiction_apps.scheduling.services import BookingError, BookingRequest, book
from shared.transfers import services
from tests.dates import at, open_day

from .helpers import page_text, pull, push


def local_day(moment, jurisdiction) -> str:
    return f"{timezone.localtime(moment, jurisdiction.zone):%d/%m/%Y}"


def person_page(client, person):
    return client.get(reverse("people:detail", args=[person.pk]))


@pytest.fixture
def transferred(alpha, beta, person, alpha_admin, beta_dpip):
    """Alpha's person, asked for by Beta and handed over by Alpha."""
    transfer = pull(alpha, beta, person, beta_dpip.user)
    result = services.accept(transfer.pk, jurisdiction=alpha, acting_user=alpha_admin.user)
    transfer.refresh_from_db()
    with tenant_context(alpha):
        source = Person.objects.get(pk=person.pk)
    with tenant_context(beta):
        target = Person.objects.get(pk=result.target_person_id)
    return {"transfer": transfer, "source": source, "target": target}


def test_the_person_page_shows_a_pending_request(alpha, beta, person, alpha_admin, beta_dpip):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    text = page_text(person_page(alpha_admin, person))
    assert "Demande de transfert en cours vers Juridiction Bêta" in text
    assert f"réponse attendue de notre part avant le {local_day(transfer.due_at, alpha)}" in text
    assert "Proposer un transfert" not in text
    assert reverse("transfers:detail", args=[transfer.pk]) in text


def test_the_person_page_shows_an_offer_waiting_for_the_other_side(
    alpha, beta, person, alpha_admin
):
    transfer = push(alpha, beta, person, alpha_admin.user)
    text = page_text(person_page(alpha_admin, person))
    assert (
        f"réponse attendue de Juridiction Bêta avant le {local_day(transfer.due_at, alpha)}" in text
    )


def test_the_offer_button_is_for_the_transfer_roles(alpha, person, alpha_admin, alpha_cpip):
    assert "Proposer un transfert" in page_text(person_page(alpha_admin, person))
    assert "Proposer un transfert" not in page_text(person_page(alpha_cpip, person))
    text = page_text(person_page(alpha_admin, person))
    assert "Demande de transfert en cours" not in text and "Transféré(e)" not in text


def test_a_transferred_record_says_where_and_offers_no_change(
    alpha, beta, alpha_admin, transferred
):
    source = transferred["source"]
    text = page_text(person_page(alpha_admin, source))
    assert (
        f"Transféré(e) vers Juridiction Bêta le {local_day(source.transferred_at, alpha)}" in text
    )
    for button in ("Modifier la fiche", "Désarchiver", "Convoquer", "Proposer un transfert"):
        assert button not in text, button


def test_the_target_shows_where_the_follow_up_came_from(beta, beta_dpip, transferred):
    text = page_text(person_page(beta_dpip, transferred["target"]))
    assert "Suivi(e) auparavant par Juridiction Alpha" in text
    assert "Transféré(e)" not in text and "Modifier la fiche" in text


def test_a_transferred_record_refuses_edits(alpha, alpha_admin, transferred):
    source = transferred["source"]
    edit = reverse("people:edit", args=[source.pk])
    response = alpha_admin.get(edit, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:detail", args=[source.pk])
    assert "a été transféré(e) vers Juridiction Bêta" in page_text(response)
    response = alpha_admin.post(
        edit,
        {
            "last_name": "Autre",
            "first_names": "Nom",
            "birth_date": "1990-04-02",
            "no_mobile_phone": "on",
            "residence": "city",
            "city": "Nanterre",
        },
        follow=True,
    )
    assert "cette fiche ne peut plus être modifiée ici" in page_text(response)
    with tenant_context(alpha):
        assert Person.objects.get(pk=source.pk).last_name == "DURAND"
        with pytest.raises(people_services.PersonTransferred):
            people_services.save_person(
                {"last_name": "AUTRE"}, acting_user=alpha_admin.user, person=source
            )


def test_a_transferred_record_cannot_be_unarchived(alpha, alpha_admin, transferred):
    source = transferred["source"]
    response = alpha_admin.post(
        reverse("people:archive", args=[source.pk]), {"action": "desarchiver"}, follow=True
    )
    assert "cette fiche ne peut plus être modifiée ici" in page_text(response)
    with tenant_context(alpha):
        assert Person.objects.get(pk=source.pk).is_archived
        with pytest.raises(people_services.PersonTransferred):
            people_services.set_archived(source, False, acting_user=alpha_admin.user)


def test_a_transferred_record_cannot_be_booked(alpha, alpha_admin, transferred):
    source = transferred["source"]
    with tenant_context(alpha):
        kind = AppointmentType.objects.get(code="convocation-suivi-spip")
        place, _ = Place.objects.get_or_create(name="SPIP d'Alpha — antenne centre")
        place.appointment_types.add(kind)
        request = BookingRequest(
            person=source,
            appointment_type=kind,
            place=place,
            starts_at=at(alpha, open_day(alpha), 10),
        )
        with pytest.raises(BookingError, match="a été transféré\\(e\\) vers Juridiction Bêta"):
            book(request, acting_user=alpha_admin.user)
        assert not Appointment.objects.filter(person=source).exists()


def test_a_transferred_record_takes_no_portal_message(alpha, alpha_admin, transferred):
    source = transferred["source"]
    with tenant_context(alpha):
        with pytest.raises(MessageRefused, match="transféré\\(e\\) vers Juridiction Bêta"):
            post_team_message(source, body="Bonjour", acting_user=alpha_admin.user)
        assert not PortalMessage.objects.filter(person=source).exists()
    response = alpha_admin.post(
        reverse("portal_team:thread", kwargs={"person_pk": source.pk}), {"message": "Bonjour"}
    )
    assert "transféré(e) vers Juridiction Bêta" in page_text(response)
    with tenant_context(alpha):
        assert not PortalMessage.objects.filter(person=source).exists()


def test_both_trails_show_who_asked_and_who_decided(
    alpha, beta, alpha_admin, beta_dpip, transferred
):
    transfer = transferred["transfer"]
    for client, record, zone in (
        (alpha_admin, transferred["source"], alpha),
        (beta_dpip, transferred["target"], beta),
    ):
        asked = local_day(transfer.asked_at, zone)
        answered = local_day(transfer.answered_at, zone)
        for name in ("people:audit", "people:detail"):
            text = page_text(client.get(reverse(name, args=[record.pk])))
            assert "Transferts entre juridictions" in text, name
            assert "De Juridiction Alpha vers Juridiction Bêta" in text, name
            assert f"par Bruno Directeur (Juridiction Bêta) le {asked}" in text, name
            assert f"Acceptée par Alice Administratrice le {answered}" in text, name
            assert reverse("transfers:detail", args=[transfer.pk]) in text, name


def test_the_menu_counts_the_requests_to_answer(alpha, beta, person, alpha_admin, beta_dpip):
    home = reverse("people:list")
    assert alpha_admin.get(home).context["transfers_to_answer"] == 0
    assert "transferts-a-traiter-compte" not in page_text(alpha_admin.get(home))
    pull(alpha, beta, person, beta_dpip.user)
    response = alpha_admin.get(home)
    assert response.context["transfers_to_answer"] == 1
    assert '1<span class="fr-sr-only"> demande à traiter</span>' in page_text(response)
    # The asking side has nothing to answer.
    assert beta_dpip.get(home).context["transfers_to_answer"] == 0


def test_the_menu_count_is_one_query(alpha, beta, person, alpha_admin, beta_dpip, rf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shared.transfers.context_processors import transfers

    pull(alpha, beta, person, beta_dpip.user)
    request = rf.get("/")
    request.tenant = alpha
    request.membership = alpha_admin.user.memberships.get()
    with CaptureQueriesContext(connection) as queries:
        assert transfers(request) == {"transfers_to_answer": 1}
    assert len(queries) == 1
    request.membership = None
    assert transfers(request) == {}
