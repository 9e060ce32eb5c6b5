from rest_framework.permissions import BasePermission

from tenants.models import Membership


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
