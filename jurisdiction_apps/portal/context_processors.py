"""Counters shown in menus: the person's unread messages on the portal; on the back-office,
the people waiting for an answer and the open change requests (one query for both)."""

from django.conf import settings
from django.db import connection

from tenants.permissions import Action, can

from .models import ChangeRequest, PortalMessage

BADGES_SQL = """
SELECT
    (SELECT count(DISTINCT person_id) FROM {messages}
     WHERE author = 'person' AND read_by_team_at IS NULL),
    (SELECT count(*) FROM {requests} WHERE state = 'open')
"""


def portal(request) -> dict:
    person = getattr(request, "person", None)
    if person is not None:
        return {
            "portal_person": person,
            "portal_unread": PortalMessage.objects.filter(person=person).unread_by_person().count(),
            "portal_idle_timeout_seconds": settings.PORTAL_IDLE_TIMEOUT_SECONDS,
        }
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    messages = can(membership, Action.PORTAL_MESSAGES)
    requests = can(membership, Action.HANDLE_CHANGE_REQUESTS)
    if not (messages or requests):
        return {}

    with connection.cursor() as cursor:
        cursor.execute(
            BADGES_SQL.format(
                messages=PortalMessage._meta.db_table, requests=ChangeRequest._meta.db_table
            )
        )
        threads, open_requests = cursor.fetchone()
    counts = {}
    if messages:
        counts["team_unread_threads"] = threads
    if requests:
        counts["team_open_requests"] = open_requests
    return counts
