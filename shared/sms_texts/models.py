"""National default SMS texts, one per appointment type and kind (and one per kind for any type).

Jurisdictions override them in their own schema (notifications.TemplateOverride); a text that is
not overridden follows every edit of the national default.
"""

from django.db import models

from .constants import MessageKind
from .templating import SAMPLE_VALUES, validate_template


class NationalTemplate(models.Model):
    appointment_type_code = models.SlugField(
        "code du type de rendez-vous",
        max_length=60,
        blank=True,
        help_text="Vide : le texte par défaut de tous les types sans texte propre.",
    )
    kind = models.CharField("SMS", max_length=16, choices=MessageKind.choices)
    text = models.TextField("texte")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "texte SMS national"
        verbose_name_plural = "textes SMS nationaux"
        ordering = ["appointment_type_code", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment_type_code", "kind"], name="one_national_text_per_type_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type_code or 'tous les types'} — {self.get_kind_display()}"

    def clean(self):
        validate_template(self.text, SAMPLE_VALUES)
