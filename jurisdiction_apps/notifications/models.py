"""SMS of a jurisdiction: the messages (with their send time, in PostgreSQL), every attempt,
the jurisdiction's own texts, and the STOP links."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from jurisdiction_apps.organisation.models import AppointmentType
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment, AppointmentEvent

from .constants import (
    ALL_KINDS,
    NUMBER_FAILURES,
    PERSON_KINDS,
    AttemptOutcome,
    FailureReason,
    MessageKind,
    MessageState,
    NoticeSmsKind,
)


def receipt_deadline(now=None):
    """Messages sent before this and still without a receipt are flagged to agents."""
    return (now or timezone.now()) - timedelta(minutes=settings.SMS_RECEIPT_OVERDUE_MINUTES)


class MessageQuerySet(models.QuerySet):
    def failures(self):
        return self.filter(state=MessageState.FAILED)

    def number_failures(self):
        return self.failures().filter(reason__in=NUMBER_FAILURES)

    def receipt_overdue(self, now=None):
        """Sent, and no delivery receipt came within SMS_RECEIPT_OVERDUE_MINUTES."""
        return self.filter(state=MessageState.SENT, sent_at__lt=receipt_deadline(now))

    def needing_attention(self):
        """The failures page: failed, or sent long ago without a receipt."""
        return self.filter(Q(state=MessageState.FAILED) | Q(pk__in=self.receipt_overdue()))


class Message(models.Model):
    """One SMS for one appointment, kind and change (the event that caused it).

    Portal SMS (sign-in code, invitation, new message) have no appointment: their text is written
    when they are created, and a sign-in code is blanked out of it once handed over.
    """

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="messages")
    event = models.ForeignKey(
        AppointmentEvent, on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    kind = models.CharField("SMS", max_length=16, choices=ALL_KINDS)
    state = models.CharField(
        "état", max_length=16, choices=MessageState.choices, default=MessageState.CREATED
    )
    due_at = models.DateTimeField("envoi prévu", null=True, blank=True)
    reason = models.CharField("motif", max_length=16, choices=FailureReason.choices, blank=True)
    # What was sent (filled when the message is handed to a provider).
    phone = models.CharField("numéro", max_length=20, blank=True)
    text = models.TextField("texte", blank=True)
    segments = models.PositiveSmallIntegerField("parties", default=0)
    attempt_count = models.PositiveSmallIntegerField("tentatives", default=0)
    # Failed for good once attempt_count reaches it (an agent's "send again" raises it).
    attempt_limit = models.PositiveSmallIntegerField(default=10)
    provider = models.CharField("fournisseur", max_length=8, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True)
    receipt_code = models.CharField("code de l'accusé", max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    delivered_at = models.DateTimeField("reçu le", null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "SMS"
        verbose_name_plural = "SMS"
        ordering = ["created_at", "pk"]
        constraints = [
            # Exactly one SMS per appointment change and kind: the event is the change.
            models.UniqueConstraint(fields=["event", "kind"], name="one_message_per_event_kind"),
            # At most one live reminder per appointment, whatever happens to its events.
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(kind="reminder")
                & Q(state__in=["created", "queued", "sending", "sent", "delivered"]),
                name="one_live_reminder_per_appointment",
            ),
            models.CheckConstraint(
                condition=~Q(state="created") | Q(due_at__isnull=False),
                name="created_message_has_due_time",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PERSON_KINDS)
                | (Q(appointment__isnull=False) & Q(event__isnull=False)),
                name="appointment_sms_has_appointment",
            ),
            # Exactly one transfer SMS per transfer: a record is transferred away only once
            # (it stays read-only afterwards), so one per person.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind=NoticeSmsKind.TRANSFER),
                name="one_transfer_sms_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state="created"), name="message_due"),
            models.Index(
                fields=["state", "sending_at"],
                condition=Q(state__in=["queued", "sending"]),
                name="message_in_flight",
            ),
            models.Index(
                fields=["sent_at"], condition=Q(state="sent"), name="message_awaiting_receipt"
            ),
            models.Index(fields=["failed_at"], condition=Q(state="failed"), name="message_failed"),
            models.Index(fields=["person", "state"], name="message_person_state"),
            # The retention job's redaction of texts and numbers (notifications/retention.py).
            models.Index(
                fields=["created_at"],
                condition=~Q(text="") | ~Q(phone=""),
                name="message_not_redacted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.state})"

    @property
    def reference(self) -> str:
        """The idempotency key given to providers: jurisdiction id and message id ("12.3456")."""
        return reference_for(self.pk)

    @property
    def receipt_is_overdue(self) -> bool:
        return (
            self.state == MessageState.SENT
            and self.sent_at is not None
            and self.sent_at < receipt_deadline()
        )


def reference_for(message_id: int) -> str:
    return f"{connection.tenant.pk}.{message_id}"


class Attempt(models.Model):
    """One hand-over (or check) of a message to a provider, recorded before the call."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    provider = models.CharField(max_length=8)
    outcome = models.CharField(
        max_length=12, choices=AttemptOutcome.choices, default=AttemptOutcome.PENDING
    )
    code = models.CharField("code du fournisseur", max_length=32, blank=True)
    detail = models.CharField(max_length=200, blank=True)  # never personal data
    provider_message_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "tentative d'envoi"
        ordering = ["message", "number"]
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="one_attempt_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.message_id}#{self.number} {self.provider} {self.outcome}"


class TemplateOverride(models.Model):
    """This jurisdiction's own text for one appointment type and kind (else the national one)."""

    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.CASCADE, related_name="sms_overrides"
    )
    kind = models.CharField("SMS", max_length=16, choices=MessageKind.choices)
    text = models.TextField("texte")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "texte SMS de la juridiction"
        constraints = [
            models.UniqueConstraint(
                fields=["appointment_type", "kind"], name="one_override_per_type_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type_id} {self.kind}"


class StopToken(models.Model):
    """The single-use token of a person's STOP link (one live token per person)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="stop_tokens")
    token = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lien STOP"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(used_at__isnull=True), name="one_live_stop_token"
            )
        ]

    def __str__(self) -> str:
        return f"STOP {self.person_id}"
