"""Enumerations of the SMS engine. Behaviour is keyed on values, never on labels."""

from django.db import models

# The kinds of appointment SMS: their texts are national (shared.sms_texts), used here too.
from shared.sms_texts.constants import MessageKind


class PortalSmsKind(models.TextChoices):
    """SMS of the probationer portal: tied to a person, not to an appointment; fixed texts."""

    SIGN_IN_CODE = "sign_in_code", "Code de connexion à l'espace personnel"
    INVITATION = "portal_invite", "Invitation à l'espace personnel"
    NEW_MESSAGE = "portal_message", "Nouveau message sur l'espace personnel"


class NoticeSmsKind(models.TextChoices):
    """SMS about the follow-up itself, tied to a person, not to an appointment; fixed texts."""

    TRANSFER = "transfer", "Transfert du suivi vers une autre juridiction"


# Kinds without an appointment: their text is written when the message is created.
PERSON_KINDS = (*PortalSmsKind.values, *NoticeSmsKind.values)
ALL_KINDS = MessageKind.choices + PortalSmsKind.choices + NoticeSmsKind.choices
# Asked for by the person a moment ago: sent at once, even in quiet hours or after a STOP.
REQUESTED_KINDS = frozenset({PortalSmsKind.SIGN_IN_CODE})


class MessageState(models.TextChoices):
    """created → queued → sending → sent → delivered | failed, plus cancelled and not sendable.

    ``sending`` is the idempotency record: it is committed, with the attempt row, before the
    provider is called, so that a worker killed during the call never leads to a blind resend.
    """

    CREATED = "created", "Programmé"
    QUEUED = "queued", "En file d'envoi"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyé"
    DELIVERED = "delivered", "Reçu"
    FAILED = "failed", "Échec"
    CANCELLED = "cancelled", "Annulé"
    NOT_SENDABLE = "not_sendable", "Non envoyable"


PENDING_STATES = frozenset({MessageState.CREATED, MessageState.QUEUED})
FINAL_STATES = frozenset(
    {
        MessageState.DELIVERED,
        MessageState.FAILED,
        MessageState.CANCELLED,
        MessageState.NOT_SENDABLE,
    }
)


class FailureReason(models.TextChoices):
    INVALID_NUMBER = "invalid_number", "Numéro invalide"
    UNREACHABLE = "unreachable", "Numéro injoignable"
    UNDELIVERABLE = "undeliverable", "Non distribué"
    NOT_RECEIVED = "not_received", "Non reçu (téléphone éteint ou saturé)"
    EXPIRED = "expired", "Trop tard : le rendez-vous est passé"
    EXHAUSTED = "exhausted", "Échecs répétés du fournisseur"
    NO_MOBILE = "no_mobile", "Pas de téléphone portable"
    REFUSES_SMS = "refuses_sms", "La personne refuse les SMS"
    LANDLINE = "landline", "Numéro fixe"
    REJECTED = "rejected", "Refusé par le fournisseur"


# Failures that say the number itself is wrong: the person is flagged until it changes.
NUMBER_FAILURES = frozenset(
    {FailureReason.INVALID_NUMBER, FailureReason.UNREACHABLE, FailureReason.UNDELIVERABLE}
)


class AttemptOutcome(models.TextChoices):
    PENDING = "pending", "En cours"
    ACCEPTED = "accepted", "Accepté"
    REJECTED = "rejected", "Refusé (définitif)"
    TRANSIENT = "transient", "Échec temporaire"
    UNKNOWN = "unknown", "Résultat inconnu"
    FOUND = "found", "Retrouvé chez le fournisseur"


class Provider(models.TextChoices):
    LINK = "link", "LINK Mobility"
    BREVO = "brevo", "Brevo"
