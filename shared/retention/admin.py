"""The retention table in the Django admin (public host, national team): durations are edited,
categories are never added or deleted (the job knows them), and each edit leaves a version."""

from django.contrib import admin

from shared.accounts.admin_access import NationalTeamAccess

from .models import Rule, RuleVersion, Run, Tally
from .services import record_rule_change


class ReadOnlyInline(NationalTeamAccess, admin.TabularInline):
    """Shown to the national team (the mixin), never edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RuleVersionInline(ReadOnlyInline):
    model = RuleVersion
    fields = ["changed_at", "changed_by", "previous", "amount", "unit"]
    readonly_fields = fields


@admin.register(Rule)
class RuleAdmin(NationalTeamAccess, admin.ModelAdmin):
    list_display = ["__str__", "duration", "anchor", "action", "updated_at"]
    actions = None
    fields = ["category", "amount", "unit", "action", "anchor", "purpose", "legal_basis", "end"]
    readonly_fields = ["category", "action"]
    inlines = [RuleVersionInline]

    @admin.display(description="durée")
    def duration(self, obj):
        return obj.duration_label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        previous = Rule.objects.filter(pk=obj.pk).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        if previous is None or (previous.amount, previous.unit) != (obj.amount, obj.unit):
            record_rule_change(obj, previous, request.user)


class TallyInline(ReadOnlyInline):
    model = Tally
    fields = ["category", "count"]
    readonly_fields = fields


@admin.register(Run)
class RunAdmin(NationalTeamAccess, admin.ModelAdmin):
    list_display = ["jurisdiction", "started_at", "state", "seconds", "longest_transaction_ms"]
    list_filter = ["state", "jurisdiction"]
    inlines = [TallyInline]
    readonly_fields = [field.name for field in Run._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
