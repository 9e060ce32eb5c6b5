"""The retention table (national, public schema) and what each night did in each jurisdiction.

Durations are read at run time: an edit in the admin applies from the next night, in every
jurisdiction. Every edit leaves a ``RuleVersion`` (who, when, before → after).
"""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from tenants.models import Jurisdiction

from .constants import MINIMUM_DAYS, Action, Category, Unit


class RuleQuerySet(models.QuerySet):
    def as_map(self) -> dict[str, "Rule"]:
        return {rule.category: rule for rule in self}


class Rule(models.Model):
    """How long one category of data is kept, and what happens at the end."""

    category = models.CharField("catégorie", max_length=32, choices=Category.choices, unique=True)
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    amount = models.PositiveSmallIntegerField(
        "durée", null=True, blank=True, help_text="Vide : pas de durée propre (voir « fin »)."
    )
    unit = models.CharField("unité", max_length=8, choices=Unit.choices, default=Unit.MONTHS)
    action = models.CharField("à la fin", max_length=12, choices=Action.choices, editable=False)
    anchor = models.CharField("compté à partir de", max_length=200)
    purpose = models.CharField("finalité", max_length=200)
    legal_basis = models.CharField("base légale", max_length=300)
    end = models.CharField("ce qui se passe à la fin", max_length=300)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = "règle de conservation"
        verbose_name_plural = "règles de conservation"
        ordering = ["position"]

    def __str__(self) -> str:
        return self.get_category_display()

    @property
    def has_duration(self) -> bool:
        return self.amount is not None

    @property
    def delta(self) -> relativedelta:
        if self.amount is None:
            raise ValueError(f"{self.category} has no duration of its own")
        if self.unit == Unit.MONTHS:
            return relativedelta(months=self.amount)
        return relativedelta(days=self.amount)

    def cutoff(self, now: datetime) -> datetime:
        """Rows whose anchor is before this are due."""
        return now - self.delta

    @property
    def approximate_days(self) -> int:
        if self.amount is None:
            return 0
        return self.amount * 30 + self.amount // 2 if self.unit == Unit.MONTHS else self.amount

    @property
    def duration_label(self) -> str:
        if self.amount is None:
            return "—"
        if self.unit == Unit.MONTHS and self.amount % 12 == 0:
            years = self.amount // 12
            return f"{years} an" if years == 1 else f"{years} ans"
        if self.unit == Unit.MONTHS:
            return f"{self.amount} mois"
        return f"{self.amount} jour" if self.amount == 1 else f"{self.amount} jours"

    def clean(self):
        minimum = MINIMUM_DAYS.get(self.category)
        if self.action == Action.WITH_PERSON or self.action == Action.EXPIRE:
            if self.amount is not None:
                raise ValidationError(
                    {"amount": "Cette catégorie n'a pas de durée propre : laissez le champ vide."}
                )
            return
        if self.amount in (None, 0):
            raise ValidationError({"amount": "Indiquez une durée d'au moins un jour."})
        if minimum and self.approximate_days < minimum:
            raise ValidationError({"amount": f"Pas moins de {minimum} jours pour cette catégorie."})


class RuleVersion(models.Model):
    """One edit of a rule: the history the national team and an auditor read."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    amount = models.PositiveSmallIntegerField("durée", null=True, blank=True)
    unit = models.CharField("unité", max_length=8, choices=Unit.choices)
    previous = models.CharField("avant", max_length=40, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="modifiée par",
    )
    changed_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "version de la règle"
        verbose_name_plural = "historique de la règle"
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.previous} → {self.amount} {self.unit}"


class RunState(models.TextChoices):
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Interrompu"


class Run(models.Model):
    """One pass of the retention job in one jurisdiction (the nightly one, or a dry run)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="retention_runs"
    )
    # An agent's erasure of one person on request (casefile's Erasure), not the nightly job.
    on_request = models.BooleanField("effacement sur demande", default=False)
    state = models.CharField(max_length=8, choices=RunState.choices, default=RunState.RUNNING)
    started_at = models.DateTimeField("commencé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    longest_transaction_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)  # an exception's class, never its text

    class Meta:
        verbose_name = "passage de la conservation"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["jurisdiction", "-started_at"], name="retention_run_list")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.started_at:%Y-%m-%d} {self.state}"


class Tally(models.Model):
    """How many rows of one category one run archived, redacted, erased or deleted."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="tallies")
    category = models.CharField(max_length=32, choices=Category.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "décompte"
        constraints = [
            models.UniqueConstraint(fields=["run", "category"], name="one_tally_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.count}"
