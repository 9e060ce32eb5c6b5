from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ProConnectIdentity, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "national_role", "is_staff", "is_active"]
    list_filter = ["national_role", "is_staff", "is_active"]
    search_fields = ["email", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        (
            "Droits",
            {"fields": ["national_role", "is_active", "is_staff", "is_superuser", "groups"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(ProConnectIdentity)
class ProConnectIdentityAdmin(admin.ModelAdmin):
    """The ProConnect identities linked to accounts: read-only (ProConnect writes them at each
    sign-in); deleting one unlinks it, the next ProConnect sign-in matches the e-mail again."""

    list_display = ["user", "siret", "idp_id", "last_acr", "last_login_at"]
    list_filter = ["last_acr"]
    search_fields = ["user__email", "siret"]
    readonly_fields = [
        "user",
        "sub",
        "uid",
        "siret",
        "given_name",
        "usual_name",
        "idp_id",
        "last_acr",
        "created_at",
        "last_login_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
