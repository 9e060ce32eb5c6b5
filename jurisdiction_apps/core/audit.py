"""The actor of a service call goes into the audit trail (django-pghistory's context).

In a request, pghistory's middleware already records the signed-in user and the URL; services
called from tasks, commands or imports name their actor through ``acting_user``.
"""

from contextlib import nullcontext
from functools import wraps

import pghistory


def acting_as(user):
    user_id = getattr(user, "pk", None)
    return pghistory.context(user=user_id) if user_id is not None else nullcontext()


def audited(service):
    """Decorator for service functions that take a keyword-only ``acting_user``."""

    @wraps(service)
    def wrapper(*args, acting_user, **kwargs):
        with acting_as(acting_user):
            return service(*args, acting_user=acting_user, **kwargs)

    return wrapper
