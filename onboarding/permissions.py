"""Who may use the onboarding pages (public host, /deploiement/): the one rule of both halves.

Deployment officers act (create, brand, import, go live); the national team sees the same pages
without acting. Anyone else gets 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from shared.accounts.constants import NationalRole

VIEWERS = (NationalRole.DEPLOYMENT_OFFICER, NationalRole.NATIONAL_TEAM)
OFFICERS = (NationalRole.DEPLOYMENT_OFFICER,)


def can_act(user) -> bool:
    return user.is_active and user.national_role in OFFICERS


def _role_required(roles):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.is_active or request.user.national_role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


viewer_required = _role_required(VIEWERS)
officer_required = _role_required(OFFICERS)
