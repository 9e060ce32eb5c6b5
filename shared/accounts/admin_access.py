"""The national team edits national content in the Django admin without a Django permission of
its own: staff with the national-team role may view, add, change and delete these models."""

from .constants import NationalRole


def is_national_team(request) -> bool:

    user = request.user
    return user.is_active and user.is_staff and user.national_role == NationalRole.NATIONAL_TEAM


class NationalTeamAccess:
    """Mixin for a ModelAdmin or an inline: the national team has every permission; the others
    keep Django's. A subclass that forbids something (a deletion) overrides the method."""

    def has_module_permission(self, request):
        return is_national_team(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_national_team(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_national_team(request) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_national_team(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_national_team(request) or super().has_delete_permission(request, obj)
