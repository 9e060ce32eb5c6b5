"""What is left of an erased person: that an erasure happened, when, by whom and why — never who
(no name, no number: the row is the controller's proof, not a copy of the file)."""

from django.conf import settings
from django.db import models


class ErasureReason(models.TextChoices):
    RIGHT_TO_ERASURE = "right_to_erasure", "Demande d'effacement de la personne, accordée"
    COURT_DECISION = "court_decision", "Décision de justice ou d'un magistrat"
    UNLAWFUL = "unlawful", "Données enregistrées à tort (erreur de personne, doublon)"
    OTHER = "other", "Autre obligation légale"


class Erasure(models.Model):
    """One person erased on request (the nightly job's erasures are counted in its runs)."""

    person_number = models.PositiveIntegerField("numéro interne de la personne")
    reason = models.CharField("motif", max_length=20, choices=ErasureReason.choices)
    detail = models.CharField("précision", max_length=300, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="effacée par",
    )
    erased_at = models.DateTimeField("effacée le", auto_now_add=True)

    class Meta:
        verbose_name = "effacement sur demande"
        verbose_name_plural = "effacements sur demande"
        ordering = ["-erased_at", "-pk"]

    def __str__(self) -> str:
        return f"effacement {self.pk} ({self.erased_at:%Y-%m-%d})"
