"""Objects that are archived once used, never deleted (places, agendas, people), and the audit
events every tracked model records."""

import pghistory
from django.db import models
from django.utils import timezone


# Creations, changes and deletions, written by database triggers (bulk operations included).
# Creations and deletions fire once per statement (a COPY of 100,000 appointments, a retention
# batch: one INSERT ... SELECT of their audit rows); changes once per changed row, since a
# statement-level update event joins its two transition tables and PL/pgSQL keeps that join's
# plan from the session's first call: a bulk update after a one-row edit would be quadratic
# (ADR 0025, make bench-audit-triggers).
def audited_events() -> tuple:
    # Fresh tracker objects for each model: pghistory binds them to the model it decorates.
    return (
        pghistory.InsertEvent(level=pghistory.Statement),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(level=pghistory.Statement),
    )


class ArchivableQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Archivable(models.Model):
    """Once used, an object is archived (hidden from new work), never deleted."""

    archived_at = models.DateTimeField("archivé le", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        if self.archived_at is None:
            self.archived_at = timezone.now()
            self.save(update_fields=["archived_at"])

    def unarchive(self) -> None:
        if self.archived_at is not None:
            self.archived_at = None
            self.save(update_fields=["archived_at"])
