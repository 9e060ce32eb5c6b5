"""Transfers of a person's follow-up between jurisdictions (issue 19, ADR 0023).

Public schema: ids of people are local ids of each side's schema; no name, birth date or phone
is stored here."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .constants import COMMENT_MAX, Direction, State


class Policy(models.Model):
    """The national settings of transfers (one row, edited by the national team in the admin)."""

    auto_accept_days = models.PositiveSmallIntegerField(
        "acceptation automatique après (jours)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        "rappel par courriel (jours avant l'acceptation automatique)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )

    class Meta:
        verbose_name = "règles des transferts"
        verbose_name_plural = "règles des transferts"

    def __str__(self) -> str:
        return f"Acceptation automatique après {self.auto_accept_days} jours"

    @classmethod
    def current(cls) -> "Policy":
        return cls.objects.order_by("pk").first() or cls()


class TransferQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=State.PENDING)

    def answered_by(self, jurisdiction):
        """Requests this jurisdiction must answer: pulls from it, pushes to it."""
        return self.filter(
            Q(direction=Direction.PULL, source=jurisdiction)
            | Q(direction=Direction.PUSH, target=jurisdiction)
        )

    def asked_by(self, jurisdiction):
        return self.filter(
            Q(direction=Direction.PULL, target=jurisdiction)
            | Q(direction=Direction.PUSH, source=jurisdiction)
        )

    def involving(self, jurisdiction):
        return self.filter(Q(source=jurisdiction) | Q(target=jurisdiction))


class Transfer(models.Model):
    source = models.ForeignKey(
        "tenants.Jurisdiction",
        verbose_name="juridiction d'origine",
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.ForeignKey(
        "tenants.Jurisdiction",
        verbose_name="juridiction d'arrivée",
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_person_id = models.BigIntegerField()
    # Set at acceptance: the person's id in the target's schema (new, or the record merged into).
    target_person_id = models.BigIntegerField(null=True, blank=True)
    merged = models.BooleanField("fusionnée avec un dossier déjà présent", default=False)
    direction = models.CharField("sens", max_length=8, choices=Direction.choices)
    state = models.CharField("état", max_length=12, choices=State.choices, default=State.PENDING)
    reason = models.TextField("motif")
    # The source agent's choice: tell the person by one SMS which service follows them now.
    notify_person = models.BooleanField("prévenir la personne par SMS", default=False)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField("demandée le")
    due_at = models.DateTimeField("acceptée d'office le")
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("répondue le", null=True, blank=True)
    auto_accepted = models.BooleanField("acceptée d'office", default=False)
    comment = models.CharField("commentaire", max_length=COMMENT_MAX, blank=True)
    # Copied at acceptance (counts only, for both sides' trails and the benchmark).
    copied = models.JSONField(default=dict, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "transfert"
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_person_id"],
                condition=Q(state=State.PENDING),
                name="one_open_transfer_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="transfer_between_two_jurisdictions"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="transfer_due"),
            models.Index(fields=["target", "state"], name="transfer_target_state"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}/{self.source_person_id} → {self.target_id}"

    @property
    def answering_jurisdiction_id(self) -> int:
        return self.source_id if self.direction == Direction.PULL else self.target_id

    @property
    def asking_jurisdiction_id(self) -> int:
        return self.target_id if self.direction == Direction.PULL else self.source_id

    @property
    def is_pending(self) -> bool:
        return self.state == State.PENDING

    @staticmethod
    def due_after(asked_at, policy: Policy):
        return asked_at + timedelta(days=policy.auto_accept_days)
