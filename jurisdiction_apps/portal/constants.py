"""Enumerations and limits of the probationer portal. Behaviour is keyed on values."""

from django.db import models

CODE_LENGTH = 6
CODE_VALIDITY_MINUTES = 10
CODE_MAX_ATTEMPTS = 5
# The idle timeout itself is the setting PORTAL_IDLE_TIMEOUT_SECONDS (30 minutes); the Django
# session outlives it by this much, so that the next page can say the session expired.
EXPIRED_NOTICE_SECONDS = 4 * 3600
INVITATION_VALIDITY_DAYS = 14
# Sign-in code requests: (count, window in seconds), per number and per address.
CODE_REQUESTS_PER_NUMBER = ((3, 15 * 60), (10, 24 * 3600))
CODE_REQUESTS_PER_ADDRESS = ((10, 15 * 60), (50, 24 * 3600))
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_MESSAGE_LENGTH = 2000


class SignInMethod(models.TextChoices):
    CODE = "code", "Numéro de portable et code"
    INVITATION = "invitation", "Lien d'invitation et code"


class Author(models.TextChoices):
    PERSON = "person", "La personne suivie"
    TEAM = "team", "L'équipe de suivi"


class FileKind(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "Photo JPEG"
    PNG = "image/png", "Image PNG"


class ChangeRequestKind(models.TextChoices):
    CANNOT_COME = "cannot_come", "Je ne peux pas venir"
    OTHER_TIME = "other_time", "J'ai besoin d'un autre horaire"


class ChangeRequestState(models.TextChoices):
    OPEN = "open", "À traiter"
    EXCUSED = "excused", "Absence excusée"
    RESCHEDULED = "rescheduled", "Rendez-vous déplacé"
    REFUSED = "refused", "Demande refusée"


class ReadKind(models.TextChoices):
    THREAD = "thread", "Lecture des messages"
    FILE = "file", "Ouverture d'un justificatif"
