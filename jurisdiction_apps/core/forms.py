"""Form helpers shared by every back-office screen: the DSFR look and the usual widgets."""

from django import forms

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class HttpsURLField(forms.URLField):
    """Links typed without a scheme are https:// ones (Django 6's default, adopted now)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class DsfrMixin:
    """DSFR classes on the widgets; templates/organisation/_field.html draws the rest."""

    mark_optional = True  # "(facultatif)" after the label of optional fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "fr-select" if isinstance(widget, forms.Select) else "fr-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "fr-select--error" if isinstance(widget, forms.Select) else "fr-input--error"
            if not isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
