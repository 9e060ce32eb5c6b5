"""Who may do what in a jurisdiction: the one place where roles meet actions.

Views use ``action_required``; templates use ``membership|can:"action"``; the API's permission
classes will read the same table. tests/tenants/test_permissions.py checks every role against
every action.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models

from .constants import MANAGER_ROLES, ROLE_FAMILY, Role, ServiceFamily


class Action(models.TextChoices):
    VIEW_PEOPLE = "view_people", "Consulter les personnes et leurs rendez-vous"
    EDIT_PEOPLE = "edit_people", "Enregistrer et modifier les personnes"
    ARCHIVE_PEOPLE = "archive_people", "Archiver une personne"
    BOOK = "book", "Convoquer (selon les types de rendez-vous du rôle)"
    RECORD_OUTCOME = "record_outcome", "Renseigner, excuser, annuler, reporter un rendez-vous"
    VIEW_AUDIT = "view_audit", "Lire la traçabilité d'une personne"
    MANAGE_PLACES = "manage_places", "Gérer lieux, agendas et créneaux"
    MANAGE_AGENTS = "manage_agents", "Gérer et inviter les agents"
    MANAGE_SMS_TEXTS = "manage_sms_texts", "Modifier les textes des SMS"
    VIEW_STATISTICS = "view_statistics", "Consulter les statistiques de la juridiction"
    INVITE_TO_PORTAL = "invite_to_portal", "Inviter une personne à son espace personnel"
    PORTAL_MESSAGES = "portal_messages", "Lire les messages des personnes suivies et y répondre"
    HANDLE_CHANGE_REQUESTS = "handle_change_requests", "Traiter les demandes de changement"
    HOLD_PEOPLE = "hold_people", "Geler la conservation d'une personne (mesure en cours, justice)"
    ERASE_PEOPLE = "erase_people", "Effacer une personne sur-le-champ, quand la loi l'exige"
    EXPORT_PERSON_DATA = "export_person_data", "Exporter les données d'une personne (droit d'accès)"
    VIEW_RETENTION = "view_retention", "Suivre la conservation des données de la juridiction"
    MANAGE_API_KEYS = "manage_api_keys", "Gérer les clés d'API des systèmes de la juridiction"
    TRANSFER_PEOPLE = (
        "transfer_people",
        "Demander, proposer et accepter le transfert d'une personne vers une autre juridiction",
    )


ALL_ROLES = frozenset(Role)
STAFF_ROLES = ALL_ROLES - {Role.PROSECUTOR}
# The follow-up team of a person: the SPIP, with the local administrator.
FOLLOW_UP_ROLES = frozenset(
    role for role, family in ROLE_FAMILY.items() if family == ServiceFamily.SPIP
) | {Role.LOCAL_ADMIN}

PERMISSIONS: dict[str, frozenset[str]] = {
    Action.VIEW_PEOPLE: ALL_ROLES,
    Action.EDIT_PEOPLE: STAFF_ROLES - {Role.PSYCHOLOGIST},
    Action.ARCHIVE_PEOPLE: MANAGER_ROLES,
    Action.BOOK: STAFF_ROLES,  # narrowed per appointment type by AppointmentType.booking_roles
    Action.RECORD_OUTCOME: STAFF_ROLES,
    Action.VIEW_AUDIT: MANAGER_ROLES | {Role.JAP},
    Action.MANAGE_PLACES: MANAGER_ROLES,
    Action.MANAGE_AGENTS: MANAGER_ROLES,
    Action.MANAGE_SMS_TEXTS: MANAGER_ROLES,
    Action.VIEW_STATISTICS: MANAGER_ROLES,
    Action.INVITE_TO_PORTAL: STAFF_ROLES - {Role.PSYCHOLOGIST},
    Action.PORTAL_MESSAGES: FOLLOW_UP_ROLES,
    Action.HANDLE_CHANGE_REQUESTS: STAFF_ROLES,
    # Those who know a measure still runs or a court asked: the judge, the counsellor, managers.
    Action.HOLD_PEOPLE: MANAGER_ROLES | {Role.JAP, Role.CPIP, Role.GREFF_SAP},
    # The controller's delegates only: an erasure cannot be undone.
    Action.ERASE_PEOPLE: MANAGER_ROLES,
    Action.EXPORT_PERSON_DATA: MANAGER_ROLES,
    Action.VIEW_RETENTION: MANAGER_ROLES,
    # Issue 20: a key may act with any role, the administrator's included: local admin only.
    Action.MANAGE_API_KEYS: frozenset({Role.LOCAL_ADMIN}),
    # Issue 19: those who hand a follow-up over (dessaisissement) in the anchor's flow.
    Action.TRANSFER_PEOPLE: frozenset(
        {
            Role.LOCAL_ADMIN,
            Role.JAP,
            Role.GREFF_SAP,
            Role.DPIP,
            Role.SECRETARY_COURT,
            Role.SECRETARY_SPIP,
        }
    ),
}


# What a deployment officer's temporary access (Membership.onboarding_access, ADR 0017) allows,
# whatever its role: the organisation section (places, agendas, slot templates) and the SMS texts.
ONBOARDING_ACCESS_ACTIONS = frozenset({Action.MANAGE_PLACES, Action.MANAGE_SMS_TEXTS})


def role_can(role: str | None, action: str) -> bool:
    return role is not None and role in PERMISSIONS[action]


def can(membership, action: str) -> bool:
    if membership is None:
        return False
    if getattr(membership, "onboarding_access", False):
        return action in ONBOARDING_ACCESS_ACTIONS
    return role_can(membership.role, action)


def action_required(action: str):
    """View decorator: signed in, member of the host's jurisdiction, and allowed to ``action``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not can(getattr(request, "membership", None), action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_action = action
        return wrapper

    return decorator
