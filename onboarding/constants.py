"""Enumerations of onboarding. Behaviour is keyed on values, never on labels."""

from django.db import models


class CreationState(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "Préparation en cours"
    READY = "ready", "Prête"
    FAILED = "failed", "Échec"


class ImportKind(models.TextChoices):
    AGENTS = "agents", "Agents"
    PEOPLE = "people", "Personnes suivies (export APPI)"
    APPOINTMENTS = "appointments", "Rendez-vous (CSV, XLSX ou iCalendar)"
    PLACES = "places", "Lieux et agendas"


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", "Fichier reçu"
    ANALYSING = "analysing", "Vérification en cours"
    ANALYSED = "analysed", "Aperçu prêt"
    # The file as a whole could not be read (missing columns, encoding, format): nothing to apply.
    REFUSED = "refused", "Fichier refusé"
    APPLYING = "applying", "Import en cours"
    APPLIED = "applied", "Importé"
    FAILED = "failed", "Échec"
    CANCELLED = "cancelled", "Abandonné"
