from django.db import models


class NationalRole(models.TextChoices):
    """Roles on the public host (the national console). Agents of jurisdictions have none."""

    NONE = "", "Aucun"
    NATIONAL_TEAM = "national_team", "Équipe nationale"
    DEPLOYMENT_OFFICER = "deployment_officer", "Chargé de déploiement"
