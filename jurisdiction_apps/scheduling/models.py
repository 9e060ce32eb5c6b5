"""Slots, slot templates, appointments and their history."""

from datetime import timedelta

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from jurisdiction_apps.core.archiving import audited_events
from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person

from .constants import AppointmentState, EventKind, NotifyMode, Weekday


class CurrentTransactionId(models.Func):
    """The writing transaction's 64-bit id (xid8, never wraps). The changes feed serves an event
    only once every transaction with a smaller id has ended, so one committing late is never
    skipped (jurisdiction_apps/scheduling/api.py, FeedCursor)."""

    template = "pg_current_xact_id()::text::bigint"
    output_field = models.BigIntegerField()


class TransitionError(Exception):
    """A state change the appointment's state or time does not allow (message in French)."""


@pghistory.track(*audited_events(), model_name="SlotTemplateAudit")
class SlotTemplate(models.Model):
    """Every <weekday> at <start_time>, a slot of <duration> for <capacity> people."""

    agenda = models.ForeignKey(
        Agenda, verbose_name="agenda", on_delete=models.PROTECT, related_name="slot_templates"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, verbose_name="type de rendez-vous", on_delete=models.PROTECT
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    start_time = models.TimeField("heure de début")
    duration_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", default=30, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    capacity = models.PositiveSmallIntegerField(
        "places", default=1, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    starts_on = models.DateField("à partir du", default=timezone.localdate)
    ends_on = models.DateField("jusqu'au", null=True, blank=True)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "modèle de créneau"
        ordering = ["agenda", "weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M} — {self.agenda}"


class SlotQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_closed=False)

    def future(self):
        return self.filter(starts_at__gt=timezone.now())

    def with_room(self):
        return self.filter(booked_count__lt=F("capacity"))

    def bookable(self, appointment_type, agenda):
        return (
            self.open()
            .future()
            .with_room()
            .filter(appointment_type=appointment_type, agenda=agenda)
            .order_by("starts_at")
        )


@pghistory.track(*audited_events(), model_name="SlotAudit")
class Slot(models.Model):
    agenda = models.ForeignKey(
        Agenda, verbose_name="agenda", on_delete=models.PROTECT, related_name="slots"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, verbose_name="type de rendez-vous", on_delete=models.PROTECT
    )
    template = models.ForeignKey(
        SlotTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="slots"
    )
    starts_at = models.DateTimeField("début")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=30)
    capacity = models.PositiveSmallIntegerField("places", default=1)
    booked_count = models.PositiveSmallIntegerField("places prises", default=0)
    is_closed = models.BooleanField("fermé", default=False)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = "créneau"
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked_count__lte=F("capacity")), name="slot_not_overbooked"
            ),
            models.UniqueConstraint(
                fields=["agenda", "appointment_type", "starts_at"],
                name="unique_slot_per_agenda_type_time",
            ),
        ]
        indexes = [models.Index(fields=["agenda", "starts_at"], name="slot_agenda_time")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d/%m/%Y %H:%M} — {self.agenda}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked_count, 0)


class AppointmentQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("person", "appointment_type", "place", "agenda", "slot")

    def between(self, start, end):
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def awaiting_outcome(self):
        """Past appointments still booked: nobody said whether the person came."""
        return self.filter(state=AppointmentState.BOOKED, starts_at__lt=timezone.now())

    def no_shows_to_handle(self):
        """Missed appointments not yet followed by a new one (an anti-join on ``replaces``)."""
        replacement = Appointment.objects.filter(replaces=OuterRef("pk"))
        return self.filter(state=AppointmentState.NO_SHOW).filter(~Exists(replacement))


@pghistory.track(*audited_events(), model_name="AppointmentAudit")
class Appointment(models.Model):
    person = models.ForeignKey(
        Person, verbose_name="personne", on_delete=models.PROTECT, related_name="appointments"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, verbose_name="type", on_delete=models.PROTECT
    )
    place = models.ForeignKey(Place, verbose_name="lieu", on_delete=models.PROTECT)
    agenda = models.ForeignKey(
        Agenda, verbose_name="agenda", null=True, blank=True, on_delete=models.PROTECT
    )
    slot = models.ForeignKey(
        Slot,
        verbose_name="créneau",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    starts_at = models.DateTimeField("date et heure")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=30)
    state = models.CharField(
        "statut", max_length=12, choices=AppointmentState.choices, default=AppointmentState.BOOKED
    )
    notify_mode = models.CharField(
        "SMS", max_length=20, choices=NotifyMode.choices, default=NotifyMode.NOTIFY_AND_REMIND
    )
    case_numbers = models.CharField("numéros de parquet", max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="réservé par",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    assigned_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="agent",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name="remplace",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    state_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = "convocation"
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["agenda", "starts_at"], name="appt_agenda_time"),
            models.Index(fields=["place", "starts_at"], name="appt_place_time"),
            models.Index(fields=["assigned_agent", "starts_at"], name="appt_agent_time"),
            models.Index(fields=["person", "starts_at"], name="appt_person_time"),
            models.Index(fields=["state", "starts_at"], name="appt_state_time"),
            models.Index(
                fields=["starts_at"], condition=Q(state="no_show"), name="appt_no_show_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type} — {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def has_passed(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def was_rescheduled(self) -> bool:
        return hasattr(self, "replaced_by")

    # --- state transitions: invariants live here, services call them ---------------------------
    def _move(self, target: str) -> str:
        previous = self.state
        self.state = target
        self.state_changed_at = timezone.now()
        return previous

    def mark_fulfilled(self) -> str:
        self._require_booked()
        if not self.has_passed:
            raise TransitionError(
                "Le rendez-vous n'a pas encore eu lieu : il ne peut pas être marqué honoré."
            )
        return self._move(AppointmentState.FULFILLED)

    def mark_no_show(self) -> str:
        self._require_booked()
        if not self.has_passed:
            raise TransitionError(
                "Le rendez-vous n'a pas encore eu lieu : il ne peut pas être marqué manqué."
            )
        return self._move(AppointmentState.NO_SHOW)

    def excuse(self) -> str:
        """Before the date, or after a no-show once the person justified the absence."""
        if self.state == AppointmentState.NO_SHOW and not self.was_rescheduled:
            return self._move(AppointmentState.EXCUSED)
        self._require_booked()
        return self._move(AppointmentState.EXCUSED)

    def cancel(self) -> str:
        self._require_booked()
        if self.has_passed:
            raise TransitionError("Le rendez-vous est passé : il ne peut plus être annulé.")
        return self._move(AppointmentState.CANCELLED)

    def revert(self) -> str:
        if self.state == AppointmentState.BOOKED:
            raise TransitionError("Ce rendez-vous est déjà planifié.")
        if self.was_rescheduled:
            raise TransitionError("Ce rendez-vous a été reporté : modifiez le nouveau rendez-vous.")
        return self._move(AppointmentState.BOOKED)

    def _require_booked(self) -> None:
        if self.state != AppointmentState.BOOKED:
            raise TransitionError(
                f"Ce rendez-vous est « {self.get_state_display()} » : "
                "remettez-le d'abord à « planifié » si le statut est une erreur."
            )


class AppointmentEvent(models.Model):
    """One entry of an appointment's history; also the outbox the SMS engine reads."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="history")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointment_events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_state = models.CharField(max_length=12, choices=AppointmentState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=AppointmentState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    notify = models.BooleanField("prévenir la personne", default=False)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set by PostgreSQL on insert, never by Python (a copy leaves it out: the copy's transaction).
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    class Meta:
        verbose_name = "événement de convocation"
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["person", "at"], name="appt_event_person_time"),
            models.Index(fields=["txid", "id"], name="appt_event_feed_order"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.kind}"
