from django import template

register = template.Library()


@register.filter
def dsfr_widget(field, css_class: str = "fr-input"):
    """Render a bound field's widget with the DSFR class (allauth's forms carry none)."""
    attrs = {"class": css_class}
    if field.errors:
        attrs["class"] += f" {css_class}--error"
        attrs["aria-describedby"] = f"{field.auto_id}-erreurs"
    return field.as_widget(attrs=attrs)
