from rest_framework.permissions import BasePermission

from tenants.models import Membership
from tenants.permissions import can


class IsJurisdictionMember(BasePermission):
    """The caller is authenticated (session or token) and has an active membership in the host's
    jurisdiction. Never true on the public host."""

    message = "Vous n'avez pas accès à cette juridiction."

    def has_permission(self, request, view) -> bool:
        user = request.user
        tenant = getattr(request, "tenant", None)
        if not (user and user.is_authenticated) or tenant is None or tenant.is_public:
            return False
        membership = getattr(request, "membership", None)
        if membership is None or membership.user_id != user.pk:
            membership = Membership.objects.for_host(user, tenant).first()
            request.membership = membership
        return membership is not None


class ActionPermission(IsJurisdictionMember):
    """A member whose role may do the view's action, by the same table as the pages
    (tenants/permissions.py). The view names its actions: ``action_permissions = {"list":
    Action.VIEW_PEOPLE, "create": Action.EDIT_PEOPLE, ...}`` for a viewset (DRF's ``view.action``),
    or by HTTP method for an APIView (``{"GET": ..., "POST": ...}``). An action the view does not
    name is refused: nothing is open by omission."""

    message = "Votre rôle ne permet pas cette action."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            self.message = IsJurisdictionMember.message
            return False
        self.message = ActionPermission.message
        if getattr(view, request.method.lower(), None) is None:
            return True  # a method the route does not offer: DRF answers 405, not 403
        table = getattr(view, "action_permissions", {})
        action = table.get(getattr(view, "action", None) or request.method)
        return action is not None and can(request.membership, action)
