"""Agents: list, invitation by e-mail with a set-password link, role change, deactivation."""

import re

from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator as django_token_generator
from django.core import mail
from django.urls import reverse

from tenants.constants import Role
from tenants.models import Membership
from tests.factories import PASSWORD, MembershipFactory, UserFactory

from .conftest import h1_count, host_client

User = get_user_model()
INVITE = {
    "email": "  Jeanne.Martin@Justice.FR ",
    "first_name": "Jeanne",
    "last_name": "Martin",
    "role": Role.CPIP,
}


def invite(client, django_capture_on_commit_callbacks, data=INVITE):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("organisation:agent_invite"), data, follow=True)


def test_agent_list_shows_members_with_role_and_state(alpha, beta, admin, admin_client):
    colleague = MembershipFactory(jurisdiction=alpha, role=Role.JAP, user__last_name="Vasseur")
    former = MembershipFactory(
        jurisdiction=alpha, role=Role.BEX, is_active=False, user__last_name="Ancien"
    )
    stranger = MembershipFactory(jurisdiction=beta, user__last_name="Ailleurs")
    response = admin_client.get(reverse("organisation:agents"))
    body = response.content.decode()
    assert response.status_code == 200 and h1_count(response) == 1
    assert colleague.user.email in body and former.user.email in body
    assert stranger.user.email not in body
    assert "Juge de l&#x27;application des peines" in body
    assert ">Inactif</span>" in body
    # No button to change one's own role or remove one's own access.
    assert reverse("organisation:agent_deactivate", args=[colleague.pk]) in body
    assert reverse("organisation:agent_deactivate", args=[admin.pk]) not in body
    assert f'for="role-{colleague.pk}"' in body


def test_invitation_creates_user_and_membership_and_sends_one_working_link(
    alpha, admin_client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    response = invite(admin_client, django_capture_on_commit_callbacks)
    assert response.redirect_chain[-1][0] == reverse("organisation:agents")
    assert "Jeanne Martin a maintenant le rôle" in response.content.decode()

    user = User.objects.get(email="jeanne.martin@justice.fr")
    assert (user.first_name, user.last_name) == ("Jeanne", "Martin")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.jurisdiction, membership.role, membership.is_active) == (
        alpha,
        Role.CPIP,
        True,
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jeanne.martin@justice.fr"]
    assert message.subject == "Votre accès à Juridiction Alpha — Suivi justice"
    assert "Bonjour Jeanne," in message.body
    assert "« Conseiller pénitentiaire d'insertion et de probation »" in message.body
    links = re.findall(r"https?://\S+/comptes/password/reset/key/\S+/", message.body)
    assert len(links) == 1
    link = links[0]
    assert link.startswith("http://alpha.localhost/comptes/password/reset/key/")
    assert f"/key/{user_pk_to_url_str(user)}-" in link

    # The link opens the set-password form on the jurisdiction's host...
    visitor = host_client("alpha.localhost")
    page = visitor.get(link.removeprefix("http://alpha.localhost"), follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].endswith("-set-password/")
    assert 'name="password1"' in page.content.decode()
    # ...where the agent chooses a password and can then sign in.
    new_password = "Un-mot-de-passe-solide-2027"
    visitor.post(page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert host_client("alpha.localhost").login(email=user.email, password=new_password)


def test_a_django_default_token_would_not_open_allauth_form(alpha, admin):
    """Why the invitation uses allauth's generator: allauth's view rejects Django's keys."""
    user = UserFactory()
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": django_token_generator.make_token(user)},
    )
    response = host_client("alpha.localhost").get(path)
    assert response.status_code == 200
    assert 'name="password1"' not in response.content.decode()


def test_inviting_a_member_again_changes_nothing(
    alpha, admin_client, django_capture_on_commit_callbacks
):
    member = MembershipFactory(
        jurisdiction=alpha, role=Role.JAP, user__email="jeanne.martin@justice.fr"
    )
    mail.outbox.clear()
    response = invite(admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Cet agent est déjà membre de la juridiction" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.JAP and member.is_active
    assert Membership.objects.filter(user=member.user).count() == 1
    assert mail.outbox == []


def test_inviting_an_agent_of_another_jurisdiction_keeps_their_password(
    alpha, beta, admin_client, django_capture_on_commit_callbacks
):
    elsewhere = MembershipFactory(jurisdiction=beta, user__email="jeanne.martin@justice.fr")
    mail.outbox.clear()
    invite(admin_client, django_capture_on_commit_callbacks, {**INVITE, "role": Role.DPIP})
    user = elsewhere.user
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.first_name == "Camille"  # the national identity is not overwritten
    assert Membership.objects.get(user=user, jurisdiction=alpha).role == Role.DPIP
    assert len(mail.outbox) == 1
    assert "http://alpha.localhost/comptes/login/" in mail.outbox[0].body
    assert "/password/reset/key/" not in mail.outbox[0].body


def test_invitation_form_errors_are_french_and_change_nothing(
    alpha, admin_client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    before = User.objects.count()
    response = invite(
        admin_client,
        django_capture_on_commit_callbacks,
        {"email": "pas-une-adresse", "first_name": "", "last_name": "X", "role": "roi"},
    )
    body = response.content.decode()
    assert "Saisissez une adresse e-mail valide." in body
    assert "Ce champ est obligatoire." in body
    assert "Sélectionnez un choix valide" in body
    assert User.objects.count() == before
    assert mail.outbox == []


def test_change_role(alpha, admin, admin_client):
    member = MembershipFactory(jurisdiction=alpha, role=Role.CPIP)
    url = reverse("organisation:agent_role", args=[member.pk])
    response = admin_client.post(url, {"role": Role.DPIP}, follow=True)
    assert "a maintenant le rôle « Directeur pénitentiaire" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.DPIP
    response = admin_client.post(url, {"role": "empereur"}, follow=True)
    assert "Rôle inconnu : rien n&#x27;a changé." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.DPIP
    # Nobody changes their own role.
    own = reverse("organisation:agent_role", args=[admin.pk])
    response = admin_client.post(own, {"role": Role.CPIP}, follow=True)
    assert "Vous ne pouvez pas changer votre propre rôle" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.LOCAL_ADMIN


def test_deactivate_membership_but_not_ones_own(alpha, admin, admin_client):
    member = MembershipFactory(jurisdiction=alpha, role=Role.CPIP)
    response = admin_client.post(
        reverse("organisation:agent_deactivate", args=[member.pk]), follow=True
    )
    assert "n&#x27;a plus accès à la juridiction" in response.content.decode()
    member.refresh_from_db()
    assert not member.is_active
    # The deactivated agent is refused on the host.
    assert host_client("alpha.localhost", member.user).get("/tableau-de-bord/").status_code == 403
    response = admin_client.post(
        reverse("organisation:agent_deactivate", args=[admin.pk]), follow=True
    )
    assert "Vous ne pouvez pas retirer votre propre accès." in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_membership_of_another_jurisdiction_is_not_found(beta, admin_client):
    foreign = MembershipFactory(jurisdiction=beta, role=Role.CPIP)
    for name, data in (("agent_role", {"role": Role.DPIP}), ("agent_deactivate", {})):
        response = admin_client.post(reverse(f"organisation:{name}", args=[foreign.pk]), data)
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.CPIP and foreign.is_active
