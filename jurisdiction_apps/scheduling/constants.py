from django.db import models


class AppointmentState(models.TextChoices):
    BOOKED = "booked", "Planifié"
    FULFILLED = "fulfilled", "Honoré"
    NO_SHOW = "no_show", "Manqué"
    EXCUSED = "excused", "Excusé"
    CANCELLED = "cancelled", "Annulé"


class NotifyMode(models.TextChoices):
    NOTIFY_AND_REMIND = "notify_and_remind", "Prévenir maintenant et rappeler avant"
    REMIND_ONLY = "remind_only", "Rappeler seulement avant le rendez-vous"


class EventKind(models.TextChoices):
    """What happened to an appointment; the SMS engine listens to these."""

    BOOKED = "booked", "Convocation planifiée"
    FULFILLED = "fulfilled", "Marqué honoré"
    NO_SHOW = "no_show", "Marqué manqué"
    EXCUSED = "excused", "Excusé"
    CANCELLED = "cancelled", "Annulé"
    RESCHEDULED = "rescheduled", "Reporté"
    REVERTED = "reverted", "Statut annulé, retour à « planifié »"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Lundi"
    TUESDAY = 1, "Mardi"
    WEDNESDAY = 2, "Mercredi"
    THURSDAY = 3, "Jeudi"
    FRIDAY = 4, "Vendredi"
    SATURDAY = 5, "Samedi"
    SUNDAY = 6, "Dimanche"


# States that hold a seat in the slot.
SEAT_HOLDING_STATES = frozenset(
    {AppointmentState.BOOKED, AppointmentState.FULFILLED, AppointmentState.NO_SHOW}
)
SLOT_GENERATION_DAYS = 92
