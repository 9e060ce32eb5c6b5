"""Small helpers of the back-office screens."""

from django.shortcuts import render
from django.utils import formats


def page(request, template: str, section: str, context: dict | None = None):
    """Render a screen of a back-office section (the section lights its menu entry)."""
    return render(request, template, {"section": section, **(context or {})})


def local_date(day) -> str:
    return formats.date_format(day, "j F Y")


def plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count in (0, 1) else plural}"
