"""Objects that are archived once used, never deleted (places, agendas, people), and the audit
events every tracked model records."""

import pghistory
import pgtrigger
from django.db import models
from django.utils import timezone
from pghistory import trigger as pghistory_trigger


class _EventPlannedAtEachCall(pghistory_trigger.Event):
    """pghistory's statement-level event with its INSERT run through EXECUTE: the update event
    joins its two transition tables, and a static statement keeps the plan PL/pgSQL made at the
    session's first call (a nested loop after a one-row edit: a 5,000-row update then took 10 s
    instead of 0.07 s). EXECUTE plans each call for its own row count."""

    def get_func(self, model):
        body, rest = super().get_func(model).func.rsplit("RETURN NULL;", 1)
        statement = body.strip().rstrip(";")
        return pgtrigger.Func(f"EXECUTE $pgh_event${statement}$pgh_event$; RETURN NULL;{rest}")


class _UpdateEvent(pghistory.UpdateEvent):
    def add_event_trigger(self, event_model):
        pgtrigger.register(
            _EventPlannedAtEachCall(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=pghistory.Statement,
            )
        )(event_model.pgh_tracked_model)


# Creations, changes and deletions, written by database triggers (bulk operations included),
# once per statement over its transition table: a COPY of 100,000 appointments or a retention
# batch writes its audit rows with one INSERT ... SELECT and attaches the context once (ADR 0025,
# make bench-audit-triggers).
def audited_events() -> tuple:
    # Fresh tracker objects for each model: pghistory binds them to the model it decorates.
    return (
        pghistory.InsertEvent(level=pghistory.Statement),
        _UpdateEvent(),
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
