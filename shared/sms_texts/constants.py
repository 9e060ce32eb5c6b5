"""The kinds of appointment SMS whose texts the national team writes."""

from django.db import models


class MessageKind(models.TextChoices):
    SUMMON = "summon", "Convocation"
    REMINDER = "reminder", "Rappel"
    CANCELLATION = "cancellation", "Annulation"
    RESCHEDULE = "reschedule", "Report"
    NO_SHOW = "no_show", "Absence"
