"""Enumerations of the public information site (one place, no behaviour keyed on labels)."""

from django.db import models


class PageCategory(models.TextChoices):
    HUB = "hub", "Page d'entrée (accueil et rubriques)"
    MEASURE = "measure", "Peine ou mesure"
    ADJUSTMENT = "adjustment", "Aménagement de peine"
    OBLIGATIONS = "obligations", "Obligations"
    ROLES = "roles", "Qui fait quoi"
    ABOUT = "about", "À propos du site"


# The pages of category HUB and the address each one introduces.
HUB_SLUGS = {
    "accueil": "/",
    "preparer": "/preparer/",
    "comprendre": "/comprendre/",
    "reinsertion": "/reinsertion/",
}

# First segments of the public host's own addresses: a page "about the site" is served at
# /<slug>/, so its slug must not take one of them.
RESERVED_SLUGS = frozenset(
    {
        "accueil",
        "admin",
        "api",
        "comprendre",
        "comptes",
        "console",
        "media",
        "p",
        "preparer",
        "recherche",
        "reinsertion",
        "robots.txt",
        "sante",
        "sitemap.xml",
        "sms",
        "statistiques",
        "static",
        "stop",
        "tableau-de-bord",
    }
)


class SectionKind(models.TextChoices):
    TEXT = "text", "Texte"
    QUESTION = "question", "Question et réponse"
    LEGAL = "legal", "Texte de loi et explication"
    TIP = "tip", "Encadré « bon à savoir »"
    WARNING = "warning", "Encadré « attention »"


class ServiceKind(models.TextChoices):
    TJ = "tj", "Tribunal judiciaire — application des peines"
    SPIP = "spip", "Service pénitentiaire d'insertion et de probation"


class PartnerCategory(models.TextChoices):
    EMPLOYMENT = "emploi", "Emploi et formation"
    HOUSING = "logement", "Logement"
    HEALTH = "sante", "Santé et addictions"
    RIGHTS = "droits", "Accès aux droits et aide juridique"
    ADMINISTRATIVE = "demarches", "Aide aux démarches administratives"
    FAMILY = "famille", "Famille et violences"


PHOTO_MAX_BYTES = 5 * 1024 * 1024
