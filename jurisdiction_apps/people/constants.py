from django.db import models


class Residence(models.TextChoices):
    CITY = "city", "Commune de résidence"
    HOMELESS = "homeless", "Sans domicile fixe"
    ABROAD = "abroad", "Réside à l'étranger"


MINIMUM_AGE_YEARS = 16
