"""Aggregates of every jurisdiction, in the public schema: counts only, never a person.

Each jurisdiction's refresh (``aggregation.py``) writes its own rows for a window of days and
the months that window touches, replacing what was there: recomputing is idempotent. Day rows
answer "what happened that day"; month rows are what the console reads, and carry the exact
number of distinct people of the month, which the small-number rule needs (a sum of daily
distinct counts would count a person once per day).
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.models import Jurisdiction

from .constants import DELAY_BUCKETS


def empty_delays() -> list[int]:
    return [0] * DELAY_BUCKETS


class AppointmentCounts(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    appointment_type = models.CharField("type de rendez-vous", max_length=60)
    appointment_type_label = models.CharField(max_length=120)
    service_kind = models.CharField("service", max_length=8)
    # By booking date.
    booked = models.PositiveIntegerField(default=0)
    people_booked = models.PositiveIntegerField("personnes convoquées ce jour-là", default=0)
    delays = ArrayField(models.PositiveIntegerField(), size=DELAY_BUCKETS, default=empty_delays)
    # By appointment date.
    fulfilled = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    excused = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    rescheduled = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField("personnes convoquées", default=0)
    people_outcome = models.PositiveIntegerField("personnes venues ou absentes", default=0)

    class Meta:
        abstract = True


class AppointmentDay(AppointmentCounts):
    day = models.DateField()

    class Meta:
        verbose_name = "rendez-vous d'un jour"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "day", "appointment_type", "service_kind"],
                name="one_appointment_day_row",
            )
        ]
        indexes = [models.Index(fields=["day"], name="appointment_day_day")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.day} {self.appointment_type}"


class AppointmentMonth(AppointmentCounts):
    month = models.DateField(help_text="Premier jour du mois.")

    class Meta:
        verbose_name = "rendez-vous d'un mois"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "month", "appointment_type", "service_kind"],
                name="one_appointment_month_row",
            )
        ]
        indexes = [models.Index(fields=["month"], name="appointment_month_month")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.month:%Y-%m} {self.appointment_type}"


class MessageCounts(models.Model):
    """SMS by the day they were created (a cohort: its rates do not move once settled)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    appointment_type = models.CharField(max_length=60)
    kind = models.CharField("SMS", max_length=16)
    created = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    not_sendable = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class MessageDay(MessageCounts):
    day = models.DateField()

    class Meta:
        verbose_name = "SMS d'un jour"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "day", "appointment_type", "kind"],
                name="one_message_day_row",
            )
        ]
        indexes = [models.Index(fields=["day"], name="message_day_day")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.day} {self.kind}"


class MessageMonth(MessageCounts):
    month = models.DateField()

    class Meta:
        verbose_name = "SMS d'un mois"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "month", "appointment_type", "kind"],
                name="one_message_month_row",
            )
        ]
        indexes = [models.Index(fields=["month"], name="message_month_month")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.month:%Y-%m} {self.kind}"


class FollowedDay(models.Model):
    """People followed (not archived) at the end of a day."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    people_followed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "personnes suivies d'un jour"
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day"], name="one_followed_day_row")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.day}: {self.people_followed}"


class PortalMonth(models.Model):
    """Use of the people's portal in a month (sign-ins, messages, change requests)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    sign_ins = models.PositiveIntegerField(default=0)
    people_signed_in = models.PositiveIntegerField(default=0)
    person_messages = models.PositiveIntegerField(default=0)
    team_messages = models.PositiveIntegerField(default=0)
    people_writing = models.PositiveIntegerField(default=0)
    change_requests = models.PositiveIntegerField(default=0)
    requests_excused = models.PositiveIntegerField(default=0)
    requests_rescheduled = models.PositiveIntegerField(default=0)
    requests_refused = models.PositiveIntegerField(default=0)
    people_requesting = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "espace personnel d'un mois"
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "month"], name="one_portal_month_row")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.month:%Y-%m}: {self.sign_ins}"


class Refresh(models.Model):
    """When each jurisdiction's figures were last computed, and over which days."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    refreshed_at = models.DateTimeField()
    first_day = models.DateField()
    last_day = models.DateField()
    seconds = models.FloatField(default=0)
    # PostgreSQL's count of rows written in the tables the figures read, taken just before the
    # hourly refresh: the next one runs only if it changed (docs/adr/0019, wake.py).
    source_writes = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "calcul des statistiques"

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.refreshed_at:%Y-%m-%d %H:%M}"
