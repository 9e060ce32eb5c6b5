"""Operations on the organisation of a jurisdiction.

Views validate with forms and call these; they never write models themselves. Every function runs
inside the jurisdiction's schema (the request's, or ``tenant_context`` in commands and tests).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse

from tenants.models import Membership
from tenants.services import grant_membership

from . import usage
from .constants import PlaceKind, ServiceKind
from .models import Agenda, AppointmentType, Place, Service
from .signals import agenda_archived

PSEUDO_PLACES = [
    (PlaceKind.HOME, "Domicile de la personne", ["visite-domicile"]),
    (PlaceKind.PHONE, "Par téléphone", ["rdv-telephonique"]),
]


class OrganisationError(Exception):
    """An operation refused; the message is French and meant for the agent."""


@transaction.atomic
def set_up_jurisdiction(jurisdiction) -> None:
    """Services and pseudo-places of a jurisdiction whose schema was just created (idempotent).

    Runs inside the jurisdiction's schema.
    """
    for kind, name in (
        (ServiceKind.TJ, jurisdiction.tj_name),
        (ServiceKind.SPIP, jurisdiction.spip_name),
    ):
        if name:
            Service.objects.get_or_create(kind=kind, defaults={"name": name})
    spip = Service.objects.filter(kind=ServiceKind.SPIP).first()
    for kind, name, type_codes in PSEUDO_PLACES:
        place, created = Place.objects.get_or_create(
            kind=kind, defaults={"name": name, "service": spip}
        )
        if created:
            place.appointment_types.set(AppointmentType.objects.filter(code__in=type_codes))


# --- usage: what may be deleted ------------------------------------------------------------------
def places_with_usage(queryset=None):
    """Places annotated with ``is_used``: an agenda or an appointment refers to them."""
    queryset = Place.objects.all() if queryset is None else queryset
    has_agenda = Exists(Agenda.objects.filter(place=OuterRef("pk")))
    return queryset.annotate(is_used=usage.used_condition("place", has_agenda))


def place_is_used(place: Place) -> bool:
    return place.agendas.exists() or usage.is_referred("place", place)


def agendas_with_usage(queryset=None):
    """Agendas annotated with ``is_used``: a slot, a slot template or an appointment refers to
    them."""
    queryset = Agenda.objects.all() if queryset is None else queryset
    return queryset.annotate(is_used=usage.used_condition("agenda"))


def agenda_is_used(agenda: Agenda) -> bool:
    return usage.is_referred("agenda", agenda)


# --- places --------------------------------------------------------------------------------------
@transaction.atomic
def save_place(place: Place, *, appointment_types, acting_user) -> Place:
    """Create or update a place and the appointment types it offers."""
    place.save()
    place.appointment_types.set(appointment_types)
    return place


@transaction.atomic
def archive_place(place: Place, *, acting_user) -> int:
    """Archive a place, and its agendas with it (their slot templates stop generating).

    Returns the number of agendas archived along.
    """
    place.archive()
    agendas = list(place.agendas.active())
    for agenda in agendas:
        archive_agenda(agenda, acting_user=acting_user)
    return len(agendas)


def unarchive_place(place: Place, *, acting_user) -> None:
    """Make a place usable again (its agendas stay archived until each is restored)."""
    place.unarchive()


def delete_place(place: Place, *, acting_user) -> None:
    """Delete a place that was never used; a used one must be archived."""
    if place_is_used(place):
        raise OrganisationError(
            "Ce lieu a déjà servi (agenda ou convocation) : il ne peut pas être supprimé, "
            "archivez-le."
        )
    try:
        with transaction.atomic():
            place.delete()
    except ProtectedError as error:
        raise OrganisationError(
            "Ce lieu a déjà servi : il ne peut pas être supprimé, archivez-le."
        ) from error


# --- agendas -------------------------------------------------------------------------------------
def save_agenda(agenda: Agenda, *, acting_user) -> Agenda:
    """Create or rename an agenda; its name is unique within its place."""
    try:
        with transaction.atomic():
            agenda.save()
    except IntegrityError as error:
        raise OrganisationError(
            f"Un agenda « {agenda.name} » existe déjà dans ce lieu : choisissez un autre nom."
        ) from error
    return agenda


@transaction.atomic
def archive_agenda(agenda: Agenda, *, acting_user) -> int:
    """Archive an agenda and deactivate its slot templates; existing slots stay as they are.

    Returns the number of templates deactivated.
    """
    agenda.archive()
    # Scheduling deactivates the agenda's slot templates (scheduling/receivers.py).
    replies = agenda_archived.send(sender=Agenda, agenda=agenda)
    return sum(count for _, count in replies)


def unarchive_agenda(agenda: Agenda, *, acting_user) -> None:
    if agenda.place.is_archived:
        raise OrganisationError(
            f"Le lieu « {agenda.place.name} » est archivé : désarchivez d'abord le lieu."
        )
    agenda.unarchive()


def delete_agenda(agenda: Agenda, *, acting_user) -> None:
    if agenda_is_used(agenda):
        raise OrganisationError(
            "Cet agenda a déjà servi (modèle, créneau ou convocation) : il ne peut pas être "
            "supprimé, archivez-le."
        )
    try:
        with transaction.atomic():
            agenda.delete()
    except ProtectedError as error:
        raise OrganisationError(
            "Cet agenda a déjà servi : il ne peut pas être supprimé, archivez-le."
        ) from error


# --- agents --------------------------------------------------------------------------------------
def change_role(membership: Membership, role: str, *, acting_user) -> Membership:
    if membership.user_id == acting_user.pk:
        raise OrganisationError(
            "Vous ne pouvez pas changer votre propre rôle : demandez-le à un autre administrateur."
        )
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def deactivate_membership(membership: Membership, *, acting_user) -> None:
    """Remove an agent's access to this jurisdiction (the account and its history stay)."""
    if membership.user_id == acting_user.pk:
        raise OrganisationError("Vous ne pouvez pas retirer votre propre accès.")
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    user_created: bool


def invite_agent(
    *,
    jurisdiction,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    acting_user,
    request,
) -> Invitation:
    """Give an agent (new or known nationally) a role here and e-mail them once committed.

    A new account gets an unusable password and a link to choose one on this jurisdiction's host;
    an existing account keeps its password and gets a link to sign in. Raises OrganisationError
    when the agent is already an active member (nothing changes then).
    """
    user_model = get_user_model()
    email = email.strip().lower()
    with transaction.atomic():
        user = user_model.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and Membership.objects.for_host(user, jurisdiction).exists():
            raise OrganisationError(
                "Cet agent est déjà membre de la juridiction : modifiez son rôle dans la liste."
            )
        created = user is None
        if created:
            user = user_model(
                email=email, first_name=first_name.strip(), last_name=last_name.strip()
            )
            user.set_unusable_password()
            user.save()
        membership = grant_membership(user, jurisdiction, role)
        message = invitation_message(
            request=request,
            user=user,
            jurisdiction=jurisdiction,
            membership=membership,
            acting_user=acting_user,
        )
        transaction.on_commit(
            lambda: send_mail(
                message["subject"],
                message["body"],
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        )
    return Invitation(membership=membership, user_created=created)


def set_password_url(request, user) -> str:
    """The link that lets ``user`` choose a password, on the host of ``request``.

    allauth's view checks the key with its own generator (Django's, plus the user's e-mail
    addresses in the hash): a key made by ``django.contrib.auth.tokens.default_token_generator``
    would be refused, so the key is made with allauth's.
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def invitation_message(*, request, user, jurisdiction, membership, acting_user) -> dict:
    context = {
        "user": user,
        "jurisdiction": jurisdiction,
        "role": membership.get_role_display(),
        "inviter": acting_user.get_full_name() if acting_user else "",
        "has_password": user.has_usable_password(),
        "set_password_url": "" if user.has_usable_password() else set_password_url(request, user),
        "login_url": request.build_absolute_uri(reverse("account_login")),
        "valid_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
    }
    subject = render_to_string("organisation/emails/invitation_subject.txt", context)
    body = render_to_string("organisation/emails/invitation_body.txt", context)
    return {"subject": " ".join(subject.split()), "body": body}
