from django.db import models


class ServiceKind(models.TextChoices):
    TJ = "tj", "Tribunal judiciaire"
    SPIP = "spip", "SPIP"


class PlaceKind(models.TextChoices):
    OFFICE = "office", "Locaux du service"
    HOME = "home", "Domicile de la personne"
    PHONE = "phone", "Par téléphone"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Téléphone"
    EMAIL = "email", "Courriel"


class BookingMode(models.TextChoices):
    SLOT = "slot", "Sur créneau"
    FREE_TIME = "free_time", "Horaire libre"
