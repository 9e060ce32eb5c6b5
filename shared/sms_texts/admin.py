"""The national default SMS texts in the Django admin (public host, staff only).

Saving goes through the model's ``clean()`` (ModelForm validation): an unknown placeholder or a
text over six SMS is refused here as in the jurisdictions' editor. An edit reaches at once every
jurisdiction that does not override the text (texts are resolved at send time).
"""

from django.contrib import admin
from django.core.exceptions import ValidationError

from shared.accounts.admin_access import NationalTeamAccess

from .encoding import measure
from .models import NationalTemplate
from .templating import (
    PLACEHOLDERS,
    SAMPLE_STOP_URL,
    SAMPLE_VALUES,
    render,
    with_stop_line,
)


@admin.register(NationalTemplate)
class NationalTemplateAdmin(NationalTeamAccess, admin.ModelAdmin):
    list_display = ["__str__", "appointment_type_code", "kind", "sample_cost", "updated_at"]
    list_filter = ["kind"]
    actions = None  # no bulk deletion of the texts every jurisdiction falls back on
    search_fields = ["appointment_type_code", "text"]
    fields = ["appointment_type_code", "kind", "text", "placeholders", "sample_cost", "updated_at"]
    readonly_fields = ["placeholders", "sample_cost", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        # The rows "for every type" are the fallback of every jurisdiction: edited, never deleted.
        if obj is not None and not obj.appointment_type_code:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="champs possibles")
    def placeholders(self, obj=None):
        return " ; ".join(f"{{{name}}} : {text}" for name, text in PLACEHOLDERS.items())

    @admin.display(description="coût (rendez-vous fictif, lien STOP compris)")
    def sample_cost(self, obj=None):
        if obj is None or not obj.text:
            return "—"
        try:
            sample = with_stop_line(render(obj.text, SAMPLE_VALUES), SAMPLE_STOP_URL)
        except ValidationError:  # malformed braces: clean() says what to fix
            return "—"
        cost = measure(sample)
        return f"{cost.segments} SMS, {cost.encoding}"
