"""The console's filters: a period in months, a jurisdiction, an appointment type."""

from datetime import date

from django import forms
from django.utils import timezone

from tenants.models import Jurisdiction

from .aggregation import months_between
from .constants import ALL, FIRST_MONTH
from .queries import Filters, appointment_types

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def month_label(month: date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def day_label(day: date) -> str:
    """« 3 novembre 2026 », « 1er octobre 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def current_month() -> date:
    return timezone.localdate().replace(day=1)


def shift_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def default_period() -> dict:
    """The last twelve months, this one included."""
    now = current_month()
    return {"du": f"{shift_months(now, -11):%Y-%m}", "au": f"{now:%Y-%m}"}


class MonthField(forms.CharField):
    """YYYY-MM, as an <input type="month"> sends it."""

    widget = forms.TextInput(attrs={"type": "month", "class": "fr-input"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(
                "Indiquez un mois sous la forme AAAA-MM, par exemple 2026-03."
            ) from None


class StatisticsFilterForm(forms.Form):
    du = MonthField(label="Du mois de", required=False)
    au = MonthField(label="au mois de", required=False)
    juridiction = forms.ChoiceField(label="Juridiction", required=False)
    type = forms.ChoiceField(label="Type de rendez-vous", required=False)

    def __init__(self, *args, jurisdiction_choice=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juridiction"].choices = [("", "Toutes les juridictions")] + [
            (j.slug, j.name) for j in Jurisdiction.objects.tenants().order_by("name")
        ]
        self.fields["juridiction"].error_messages["invalid_choice"] = (
            "Juridiction inconnue : « %(value)s »."
        )
        if not jurisdiction_choice:
            del self.fields["juridiction"]
        self.fields["type"].choices = [("", "Tous les types"), *appointment_types()]
        self.fields["type"].error_messages["invalid_choice"] = (
            "Type de rendez-vous inconnu : « %(value)s »."
        )
        for name in ("juridiction", "type"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "fr-select"

    def clean(self):
        data = super().clean()
        now = current_month()
        last = data.get("au") or now
        first = data.get("du") or shift_months(last, -11)
        if "du" in self.errors or "au" in self.errors:
            return data
        if last > now:
            self.add_error("au", "La période ne peut pas finir après le mois en cours.")
        if first > now:
            self.add_error("du", "La période ne peut pas commencer dans le futur.")
        if first > last:
            self.add_error("du", "Le début de la période est après sa fin : inversez les mois.")
        if first < date(*FIRST_MONTH, 1):
            self.add_error(
                "du", f"Les statistiques commencent en {month_label(date(*FIRST_MONTH, 1))}."
            )
        data["first_month"], data["last_month"] = first, last
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        slug = data.get("juridiction")
        jurisdiction = Jurisdiction.objects.tenants().get(slug=slug) if slug else None
        return Filters(
            data["first_month"], data["last_month"], jurisdiction, data.get("type") or ALL
        )


def months_of(filters: Filters) -> list[date]:

    return months_between(filters.first_month, filters.last_month)
