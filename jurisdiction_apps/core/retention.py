"""Retention of the audit trail's contexts (who, which page or task caused an event): a context
that no event refers to any more (its events were purged or erased with their person) goes once
it is older than the audit rule."""

import pghistory.models
from django.apps import apps
from django.db.models import Exists, OuterRef

from shared.retention.batches import delete_in_batches


def event_models() -> list:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event)
        and not model._meta.abstract
        and not model._meta.proxy
        and any(field.name == "pgh_context" for field in model._meta.fields)
    ]


def orphan_contexts(cutoff):
    contexts = pghistory.models.Context.objects.filter(updated_at__lt=cutoff)
    for model in event_models():
        contexts = contexts.filter(~Exists(model.objects.filter(pgh_context_id=OuterRef("pk"))))
    return contexts


def purge_orphan_contexts(rule, now, *, dry_run, clock) -> int:
    return delete_in_batches(orphan_contexts(rule.cutoff(now)), clock=clock, dry_run=dry_run)
