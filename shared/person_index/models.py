"""The national person index (public schema): pseudonymous keys only (issue 19, ADR 0023).

One row per person of each jurisdiction, written by a trigger on ``people_person`` in every
jurisdiction's schema (``jurisdiction_apps/people/models.py``), so that every path that creates,
edits, archives, transfers or erases people keeps it in step in its own transaction: forms,
services, bulk imports, COPY, the retention job, raw SQL. Rows of people transferred away are
removed (the index points to where the person is followed now).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .keys import KEY_LENGTH

# The trigger writes this table by name, from every jurisdiction's schema.
TABLE = "person_index_entry"


class EntryQuerySet(models.QuerySet):
    def matching(self, *, appi_key: str = "", identity_key: str = ""):
        condition = Q()
        if appi_key:
            condition |= Q(appi_key=appi_key)
        if identity_key:
            condition |= Q(identity_key=identity_key)
        return self.filter(condition) if condition else self.none()

    def followed(self):
        return self.filter(archived=False)


class Entry(models.Model):
    jurisdiction = models.ForeignKey(
        "tenants.Jurisdiction", on_delete=models.CASCADE, related_name="+"
    )
    person_id = models.BigIntegerField("personne (identifiant local)")
    appi_key = models.CharField(max_length=KEY_LENGTH, blank=True, default="", db_default="")
    identity_key = models.CharField(max_length=KEY_LENGTH, blank=True, default="", db_default="")
    archived = models.BooleanField(default=False, db_default=False)
    updated_at = models.DateTimeField(db_default=models.functions.Now())

    objects = EntryQuerySet.as_manager()

    class Meta:
        db_table = TABLE
        verbose_name = "entrée de l'index national"
        verbose_name_plural = "entrées de l'index national"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "person_id"], name="person_index_one_entry_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["appi_key"], condition=~Q(appi_key=""), name="person_index_appi"),
            models.Index(
                fields=["identity_key"], condition=~Q(identity_key=""), name="person_index_identity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.person_id}"


class Lookup(models.Model):
    """A cross-jurisdiction look-up that found someone: shown in both sides' trails (issue 19)."""

    asking = models.ForeignKey("tenants.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    asking_person_id = models.BigIntegerField(null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    found = models.ForeignKey("tenants.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    found_person_id = models.BigIntegerField()
    context = models.CharField(max_length=12)  # "registration" or "import"
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "recherche dans l'index national"
        ordering = ["-at"]
        # Each side's trail of one person: the look-ups it made, the ones that found its record.
        indexes = [
            models.Index(fields=["found", "found_person_id"], name="lookup_found"),
            models.Index(fields=["asking", "asking_person_id"], name="lookup_asking"),
        ]

    def __str__(self) -> str:
        return f"{self.asking_id} → {self.found_id}/{self.found_person_id}"
