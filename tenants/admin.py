"""The national team reads and adjusts jurisdictions here (public host, staff only).

Creation and deletion stay with ``create_jurisdiction`` and onboarding: a schema is never created
in a web request.
"""

from django.contrib import admin

from .models import Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "time_zone", "sms_sender_name", "sms_providers")
    list_filter = ("status", "time_zone")
    search_fields = ("name", "slug")
    readonly_fields = ("slug", "schema_name", "status", "went_live_at", "created_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "schema_name", "status", "went_live_at")}),
        ("Services", {"fields": ("tj_name", "spip_name", "departements")}),
        ("Temps et téléphone", {"fields": ("time_zone", "phone_region")}),
        (
            "SMS",
            {"fields": ("sms_sender_name", "sms_providers", "sms_quiet_start", "sms_quiet_end")},
        ),
        ("Habillage", {"fields": ("brand_name", "primary_colour", "logo")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).tenants()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
