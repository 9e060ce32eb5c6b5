"""The transfer worklist of a jurisdiction: lists, one request's page, answers and offers
(issue 19, point 5). Every refusal leaves the request as it was."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person, PersonView
from shared.transfers import services
from shared.transfers.constants import COMMENT_MAX, Direction, State
from shared.transfers.models import Transfer

from .helpers import page_text, pull, push

LIST = "/transferts/"


def detail_url(transfer):
    return f"/transferts/{transfer.pk}/"


def local_day(moment, jurisdiction) -> str:
    return f"{timezone.localtime(moment, jurisdiction.zone):%d/%m/%Y}"


def state_of(transfer) -> str:
    return Transfer.objects.get(pk=transfer.pk).state


# --- lists -----------------------------------------------------------------------------------
def test_the_answering_side_sees_its_person_and_the_due_date(
    alpha, beta, person, alpha_admin, beta_dpip
):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    response = alpha_admin.get(LIST)
    assert response.status_code == 200
    assert [row["transfer"].pk for row in response.context["to_answer"]] == [transfer.pk]
    assert response.context["asked"] == []
    text = page_text(response)
    assert "Juridiction Bêta demande le transfert" in text
    assert "DURAND Paul" in text
    assert f"acceptée d'office le {local_day(transfer.due_at, alpha)}" in text


def test_the_asking_side_sees_who_follows_the_person_never_their_name(
    alpha, beta, person, beta_dpip
):
    pull(alpha, beta, person, beta_dpip.user)
    response = beta_dpip.get(LIST)
    assert response.context["to_answer"] == []
    (row,) = response.context["asked"]
    assert row["person"] is None
    text = page_text(response)
    assert "Personne suivie par Juridiction Alpha" in text
    assert "DURAND" not in text


def test_an_offer_names_the_person_at_the_answering_side_only_on_its_page_for_who_may_answer(
    alpha, beta, person, alpha_admin, beta_dpip, beta_cpip
):
    transfer = push(alpha, beta, person, alpha_admin.user)
    listed = page_text(beta_dpip.get(LIST))
    assert "Juridiction Alpha propose un transfert" in listed and "DURAND" not in listed
    # The answering agent reads the name and birth date from Alpha's schema to decide.
    page = page_text(beta_dpip.get(detail_url(transfer)))
    assert "DURAND Paul, né(e) le 02/04/1990" in page
    with tenant_context(alpha):  # the reading is in Alpha's trail of the person's views
        assert list(PersonView.objects.values_list("person_id", "viewer_id")) == [
            (person.pk, beta_dpip.user.pk)
        ]
    assert "Accepter le transfert" in page and "Refuser le transfert" in page
    # An agent who may not answer sees who follows the person, not who it is.
    page = page_text(beta_cpip.get(detail_url(transfer)))
    assert "DURAND" not in page and "Personne suivie par Juridiction Alpha" in page
    assert "Accepter le transfert" not in page
    # The offering side: its own person, and a cancel button.
    page = page_text(alpha_admin.get(detail_url(transfer)))
    assert "DURAND Paul" in page and "Annuler notre demande" in page
    assert "Accepter le transfert" not in page


def test_answered_requests_are_listed_with_their_answer(
    alpha, beta, person, alpha_admin, beta_dpip
):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    services.refuse(
        transfer.pk, jurisdiction=alpha, comment="Mesure en cours ici", acting_user=alpha_admin.user
    )
    response = beta_dpip.get(LIST)
    assert [row["transfer"].pk for row in response.context["recent"]] == [transfer.pk]
    assert response.context["asked"] == []
    assert f"Refusée le {local_day(timezone.now(), beta)}" in page_text(response)


def test_a_request_of_other_jurisdictions_or_unknown_is_not_found(alpha_admin):
    assert alpha_admin.get("/transferts/999999/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(alpha, client):
    response = client.get(LIST, HTTP_HOST="alpha.localhost")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


# --- answering -------------------------------------------------------------------------------
def test_accepting_a_pull_with_the_sms_choice_moves_the_person(
    alpha, beta, person, alpha_admin, beta_dpip, monkeypatch
):
    told = []
    monkeypatch.setattr(services, "_tell_person", lambda person, target: told.append(target.pk))
    transfer = pull(alpha, beta, person, beta_dpip.user)
    response = alpha_admin.post(
        reverse("transfers:accept", args=[transfer.pk]),
        {"notify_person": "1", "comment": "Bon suivi"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == detail_url(transfer)
    assert "Transfert accepté" in page_text(response)
    transfer.refresh_from_db()
    assert transfer.state == State.ACCEPTED and transfer.notify_person
    assert transfer.answered_by == alpha_admin.user and transfer.comment == "Bon suivi"
    assert told == [beta.pk]
    with tenant_context(alpha):
        assert Person.objects.get(pk=person.pk).is_transferred


def test_accepting_a_pull_without_the_sms_sends_none(
    alpha, beta, person, alpha_admin, beta_dpip, monkeypatch
):
    told = []
    monkeypatch.setattr(services, "_tell_person", lambda person, target: told.append(target.pk))
    transfer = pull(alpha, beta, person, beta_dpip.user)
    alpha_admin.post(reverse("transfers:accept", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.state == State.ACCEPTED and not transfer.notify_person and told == []


def test_accepting_an_offer_at_the_target(alpha, beta, person, alpha_admin, beta_dpip):
    transfer = push(alpha, beta, person, alpha_admin.user)
    beta_dpip.post(reverse("transfers:accept", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.state == State.ACCEPTED
    # The accepted person is now ours: the page links to our record.
    response = beta_dpip.get(detail_url(transfer))
    assert response.context["person"].pk == transfer.target_person_id
    assert f"Acceptée par Bruno Directeur, le {local_day(transfer.answered_at, beta)}" in (
        page_text(response)
    )


def test_refusing_needs_a_comment(alpha, beta, person, alpha_admin, beta_dpip):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    response = alpha_admin.post(reverse("transfers:refuse", args=[transfer.pk]), {"comment": "  "})
    assert response.status_code == 400
    assert "Expliquez le refus en quelques mots" in page_text(response)
    assert state_of(transfer) == State.PENDING


def test_refusing_with_a_comment_too_long_keeps_what_was_typed(
    alpha, beta, person, alpha_admin, beta_dpip
):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    comment = "x" * (COMMENT_MAX + 1)
    response = alpha_admin.post(
        reverse("transfers:refuse", args=[transfer.pk]), {"comment": comment}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert f"Le commentaire dépasse {COMMENT_MAX} caractères." in text and comment in text
    assert state_of(transfer) == State.PENDING


def test_refusing_records_who_and_why(alpha, beta, person, alpha_admin, beta_dpip):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    response = alpha_admin.post(
        reverse("transfers:refuse", args=[transfer.pk]),
        {"comment": "Mesure en cours ici"},
        follow=True,
    )
    assert "Demande refusée" in page_text(response)
    transfer.refresh_from_db()
    assert (transfer.state, transfer.comment, transfer.answered_by) == (
        State.REFUSED,
        "Mesure en cours ici",
        alpha_admin.user,
    )
    with tenant_context(alpha):
        assert not Person.objects.get(pk=person.pk).is_transferred


def test_the_asking_side_cannot_answer_its_own_request(alpha, beta, person, beta_dpip):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    for action, data in (("accept", {}), ("refuse", {"comment": "Finalement non"})):
        response = beta_dpip.post(reverse(f"transfers:{action}", args=[transfer.pk]), data)
        assert response.status_code == 400
        assert "Cette demande attend la réponse de l'autre juridiction." in page_text(response)
    assert state_of(transfer) == State.PENDING


def test_the_answering_side_cannot_cancel(alpha, beta, person, alpha_admin, beta_dpip):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    response = alpha_admin.post(reverse("transfers:cancel", args=[transfer.pk]))
    assert response.status_code == 400
    assert "Seule la juridiction qui a fait la demande peut l'annuler." in page_text(response)
    assert state_of(transfer) == State.PENDING


def test_the_asking_side_cancels_and_an_answered_request_takes_no_other_answer(
    alpha, beta, person, alpha_admin, beta_dpip
):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    response = beta_dpip.post(reverse("transfers:cancel", args=[transfer.pk]), follow=True)
    assert "Demande annulée" in page_text(response)
    assert state_of(transfer) == State.CANCELLED
    for client, action in ((alpha_admin, "accept"), (beta_dpip, "cancel")):
        response = client.post(reverse(f"transfers:{action}", args=[transfer.pk]))
        assert response.status_code == 400
        assert "Cette demande a déjà reçu une réponse : annulée." in page_text(response)
    assert state_of(transfer) == State.CANCELLED
    with tenant_context(alpha):
        assert not Person.objects.get(pk=person.pk).is_transferred


def test_a_role_without_the_transfer_right_sees_but_cannot_act(
    alpha, beta, person, alpha_cpip, beta_dpip
):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    assert alpha_cpip.get(LIST).status_code == 200
    page = page_text(alpha_cpip.get(detail_url(transfer)))
    assert "Accepter le transfert" not in page
    for action in ("accept", "refuse", "cancel"):
        response = alpha_cpip.post(reverse(f"transfers:{action}", args=[transfer.pk]))
        assert response.status_code == 403
    assert alpha_cpip.get(reverse("transfers:offer", args=[person.pk])).status_code == 403
    assert state_of(transfer) == State.PENDING


def test_answers_are_posts_only(alpha, beta, person, alpha_admin, beta_dpip):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    assert alpha_admin.get(reverse("transfers:accept", args=[transfer.pk])).status_code == 405
    assert state_of(transfer) == State.PENDING


# --- offering --------------------------------------------------------------------------------
def offer_url(person):
    return reverse("transfers:offer", args=[person.pk])


def test_the_offer_form_lists_other_live_jurisdictions_only(
    alpha, beta, gamma, person, alpha_admin
):
    response = alpha_admin.get(offer_url(person))
    assert response.status_code == 200
    choices = list(response.context["form"].fields["target"].queryset)
    assert beta in choices and alpha not in choices and gamma not in choices


def test_offering_records_a_push_with_the_sms_choice(alpha, beta, person, alpha_admin):
    response = alpha_admin.post(
        offer_url(person),
        {"target": beta.pk, "reason": "Déménagement à Saint-Denis", "notify_person": "1"},
        follow=True,
    )
    transfer = Transfer.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(transfer)
    assert "Transfert proposé à Juridiction Bêta" in page_text(response)
    assert (transfer.direction, transfer.source, transfer.target, transfer.notify_person) == (
        Direction.PUSH,
        alpha,
        beta,
        True,
    )
    assert transfer.source_person_id == person.pk and transfer.asked_by == alpha_admin.user


def test_offer_refusals_change_nothing(alpha, beta, gamma, person, alpha_admin, beta_dpip):
    cases = [
        ({"reason": "Déménagement à Saint-Denis"}, "Choisissez la juridiction qui suivra"),
        (
            {"target": gamma.pk, "reason": "Déménagement à Saint-Denis"},
            "n'est pas en service sur la plateforme",
        ),
        ({"target": alpha.pk, "reason": "Déménagement à Saint-Denis"}, "choisissez-en une"),
        ({"target": beta.pk, "reason": "Court"}, "au moins 10 caractères"),
        ({"target": beta.pk, "reason": ""}, "Écrivez le motif du transfert."),
        ({"target": "pas-un-nombre", "reason": "Déménagement ailleurs"}, "choisissez-en une"),
    ]
    for data, message in cases:
        response = alpha_admin.post(offer_url(person), data)
        assert response.status_code == 400, data
        assert message in page_text(response), data
    assert not Transfer.objects.exists()
    # A second request while one is open.
    pull(alpha, beta, person, beta_dpip.user)
    response = alpha_admin.post(
        offer_url(person), {"target": beta.pk, "reason": "Déménagement à Saint-Denis"}
    )
    assert response.status_code == 400
    assert "Une demande de transfert est déjà en cours" in page_text(response)
    assert Transfer.objects.count() == 1


def test_an_archived_person_cannot_be_offered(alpha, beta, person, alpha_admin):
    with tenant_context(alpha):
        Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
    response = alpha_admin.post(
        offer_url(person), {"target": beta.pk, "reason": "Déménagement à Saint-Denis"}
    )
    assert response.status_code == 400 and "est archivé" in page_text(response)
    assert not Transfer.objects.exists()


def test_an_unknown_person_cannot_be_offered(alpha_admin):
    assert alpha_admin.get("/transferts/personne/999999/").status_code == 404


def test_an_automatic_acceptance_says_so(alpha, beta, person, alpha_admin, beta_dpip):
    transfer = pull(alpha, beta, person, beta_dpip.user)
    assert services.accept_overdue(now=transfer.due_at + timedelta(minutes=1)) == 1
    for client in (alpha_admin, beta_dpip):
        text = page_text(client.get(detail_url(transfer)))
        assert "Acceptée d'office, sans réponse à l'échéance" in text
        assert "Accepter le transfert" not in text and "Annuler notre demande" not in text
    assert "(d'office)" in page_text(beta_dpip.get(LIST))


def test_the_offer_form_comes_with_the_service_named_by_the_duplicate_warning(
    alpha, beta, person, alpha_admin
):
    page = alpha_admin.get(f"/transferts/personne/{person.pk}/?vers={beta.pk}").content.decode()
    assert f'<option value="{beta.pk}" selected>' in page
    plain = alpha_admin.get(f"/transferts/personne/{person.pk}/?vers=x").content.decode()
    assert f'<option value="{beta.pk}" selected>' not in plain
    assert '<option value="" selected>' in plain
