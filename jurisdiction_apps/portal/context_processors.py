"""Counters shown in menus: the person's unread messages on the portal; on the back-office,
the threads waiting for the team and the open change requests."""

from tenants.permissions import Action, can


def portal(request) -> dict:
    person = getattr(request, "person", None)
    if person is not None:
        from .models import PortalMessage

        return {
            "portal_person": person,
            "portal_unread": PortalMessage.objects.filter(person=person).unread_by_person().count(),
        }
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    counts = {}
    from .models import ChangeRequest, PortalMessage

    if can(membership, Action.PORTAL_MESSAGES):
        counts["team_unread_threads"] = (
            PortalMessage.objects.unread_by_team().values("person").distinct().count()
        )
    if can(membership, Action.HANDLE_CHANGE_REQUESTS):
        counts["team_open_requests"] = ChangeRequest.objects.open().count()
    return counts
