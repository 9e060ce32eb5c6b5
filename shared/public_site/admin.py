"""The editor of the information site: the Django admin of the public host, for the national team.

Every save goes through the models' validation (slug clashes, a photo without its alternative
text, a legal block without its reference) and the rich text is sanitised by the field itself.
The page cache is dropped when the edit commits, so "Voir sur le site" shows the new version.
"""

from django.contrib import admin
from django.utils.html import format_html

from shared.accounts.admin_access import NationalTeamAccess

from .models import InfoPage, Partner, Section, ServicePage


class NationalTeamAdmin(NationalTeamAccess, admin.ModelAdmin):
    """The national team edits the public content without a Django permission of its own."""

    save_on_top = True

    @admin.display(description="sur le site")
    def public_link(self, obj):
        if not obj.pk or not hasattr(obj, "get_absolute_url"):
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Voir la page</a>', obj.get_absolute_url()
        )


class SectionInline(NationalTeamAccess, admin.StackedInline):
    model = Section
    extra = 0
    ordering = ["position", "id"]
    fields = [("position", "kind"), "heading", "body", ("legal_reference",), "legal_text"]


@admin.register(InfoPage)
class InfoPageAdmin(NationalTeamAdmin):
    list_display = [
        "title",
        "category",
        "slug",
        "position",
        "published",
        "updated_at",
        "public_link",
    ]
    list_filter = ["category", "published"]
    list_editable = ["position", "published"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [("title", "slug"), ("category", "position", "published"), "summary", "intro"]
    inlines = [SectionInline]


@admin.register(ServicePage)
class ServicePageAdmin(NationalTeamAdmin):
    """Service pages are unpublished, never deleted: places of every jurisdiction and SMS
    already sent point at them."""

    list_display = ["name", "kind", "departement", "city", "published", "updated_at", "public_link"]
    list_filter = ["kind", "departement", "published"]
    search_fields = ["name", "slug", "city", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": [("name", "slug"), ("kind", "departement", "published")]}),
        (
            "Adresse et carte",
            {"fields": ["address", ("postcode", "city"), ("latitude", "longitude")]},
        ),
        ("Venir au service", {"fields": ["access", "transport", "reduced_mobility"]}),
        ("Horaires et contact", {"fields": ["opening_hours", ("phone", "email"), "contact"]}),
        ("Photo", {"fields": ["photo", "photo_alt"]}),
        (
            "Les questions de la page",
            {"fields": ["what_to_bring", "interview", "cannot_come", "lawyer"]},
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(NationalTeamAdmin):
    list_display = ["name", "category", "city", "served", "published", "updated_at"]
    list_filter = ["category", "published"]
    search_fields = ["name", "city", "postcode"]
    fieldsets = [
        (None, {"fields": [("name", "category", "published"), "description"]}),
        ("Où", {"fields": ["address", ("postcode", "city"), "departements"]}),
        ("Contact", {"fields": [("phone", "email"), "website", "hours"]}),
    ]

    @admin.display(description="départements servis")
    def served(self, obj):
        return ", ".join(obj.departements)
