"""The national rules of transfers in the Django admin (public host, national team): one row,
never deleted; without it the defaults apply (``Policy.current``)."""

from django.contrib import admin

from shared.accounts.admin_access import NationalTeamAccess

from .models import Policy


@admin.register(Policy)
class PolicyAdmin(NationalTeamAccess, admin.ModelAdmin):
    list_display = ["__str__", "reminder_days_before"]
    actions = None

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Policy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
