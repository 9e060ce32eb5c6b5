"""The back-office menu's count of transfer requests waiting for this jurisdiction's answer.

Listed in settings.TEMPLATES by the composition root (saas_platform): the menu template reads
``transfers_to_answer`` and nothing below this layer imports the transfers app. One count on the
public table, served by its partial index of pending requests per source and the (target, state)
index."""

from tenants.permissions import Action, can

from .models import Transfer


def transfers(request) -> dict:
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    if membership is None or tenant is None or getattr(tenant, "is_public", True):
        return {}
    if not can(membership, Action.VIEW_PEOPLE):
        return {}
    return {"transfers_to_answer": Transfer.objects.pending().answered_by(tenant).count()}
