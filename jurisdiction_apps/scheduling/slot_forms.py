"""Forms of the slot screens (slot templates and slots, under the back-office's organisation
section): they validate and say what is wrong, in French."""

import contextlib
from datetime import date, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F
from django.utils import timezone

from jurisdiction_apps.core.forms import DATE_WIDGET, TIME_WIDGET, DsfrMixin
from jurisdiction_apps.organisation.constants import BookingMode
from jurisdiction_apps.organisation.models import Agenda, AppointmentType

from .models import Slot, SlotTemplate
from .slot_admin import DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, local_today
from .territory import holiday_name, local_datetime


def slot_types():
    """Active types booked on slots and offered by at least one active place."""
    return (
        AppointmentType.objects.active()
        .filter(booking_mode=BookingMode.SLOT, places__archived_at__isnull=True)
        .distinct()
        .order_by("service_kind", "label")
    )


def usable_agendas():
    return (
        Agenda.objects.active()
        .filter(place__archived_at__isnull=True)
        .select_related("place")
        .order_by("place__name", "name")
    )


class AgendaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        archived = " (archivé)" if obj.is_archived else ""
        return f"{obj.place.name} — {obj.name}{archived}"


def check_type_for_agenda(form, agenda, appointment_type) -> None:
    """The type must book on slots and be offered by the agenda's place."""
    if agenda is None or appointment_type is None:
        return
    if not appointment_type.books_on_slots:
        form.add_error(
            "appointment_type", "Ce type de rendez-vous se réserve sur un horaire libre."
        )
    elif not agenda.place.appointment_types.filter(pk=appointment_type.pk).exists():
        form.add_error(
            "appointment_type",
            f"Le lieu « {agenda.place.name} » ne propose pas ce type de rendez-vous : "
            "ajoutez-le au lieu ou choisissez un autre type.",
        )


def selected_agenda(form, queryset):
    """The agenda chosen in the submitted data (or the initial one), to narrow the types."""
    raw = form.data.get(form.add_prefix("agenda")) if form.is_bound else form.initial.get("agenda")
    if isinstance(raw, Agenda):
        return raw
    try:
        return queryset.filter(pk=int(raw)).first() if raw else None
    except (TypeError, ValueError):
        return None


# --- slot templates and slots ---------------------------------------------------------------------
class SlotTemplateForm(DsfrMixin, forms.ModelForm):
    agenda = AgendaChoiceField(label="Agenda", queryset=Agenda.objects.none())

    class Meta:
        model = SlotTemplate
        fields = [
            "agenda",
            "appointment_type",
            "weekday",
            "start_time",
            "duration_minutes",
            "capacity",
            "starts_on",
            "ends_on",
        ]
        widgets = {"start_time": TIME_WIDGET, "starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}
        labels = {"weekday": "Jour de la semaine", "capacity": "Nombre de places"}
        help_texts = {
            "appointment_type": "Seuls les types réservés sur créneau et proposés par le lieu "
            "de l'agenda sont acceptés.",
            "capacity": "Plus d'une place pour une séance collective.",
            "ends_on": "Laissez vide pour un modèle sans fin.",
        }

    def __init__(self, *args, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone or timezone.get_current_timezone()
        editing = self.instance.pk is not None
        agendas = usable_agendas()
        types = slot_types()
        if editing:
            # Agenda and type stay: another agenda or type is another template.
            agendas = Agenda.objects.filter(pk=self.instance.agenda_id).select_related("place")
            types = AppointmentType.objects.filter(pk=self.instance.appointment_type_id)
            self.fields["agenda"].disabled = True
            self.fields["appointment_type"].disabled = True
        else:
            self.fields["starts_on"].initial = local_today(self.zone)
            agenda = selected_agenda(self, agendas)
            if agenda is not None:
                types = types.filter(places=agenda.place)
        self.fields["agenda"].queryset = agendas
        self.fields["appointment_type"].queryset = types

    def clean(self):
        cleaned = super().clean()
        agenda, kind = cleaned.get("agenda"), cleaned.get("appointment_type")
        if self.instance.pk is None:
            check_type_for_agenda(self, agenda, kind)
        weekday = cleaned.get("weekday")
        weekend = weekday is not None and int(weekday) >= 5
        if kind is not None and weekend and not kind.weekend_allowed:
            self.add_error("weekday", "Ce type de rendez-vous n'est pas proposé le week-end.")
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "La date de fin précède la date de début.")
        elif ends_on and ends_on < local_today(self.zone):
            self.add_error("ends_on", "Cette date est passée : aucun créneau ne serait créé.")
        return cleaned


class SlotForm(DsfrMixin, forms.Form):
    """One slot outside the templates, at a local date and time of the jurisdiction."""

    agenda = AgendaChoiceField(label="Agenda", queryset=Agenda.objects.none())
    appointment_type = forms.ModelChoiceField(
        label="Type de rendez-vous",
        queryset=AppointmentType.objects.none(),
        help_text="Seuls les types réservés sur créneau et proposés par le lieu de l'agenda "
        "sont acceptés.",
    )
    day = forms.DateField(label="Date", widget=DATE_WIDGET)
    start_time = forms.TimeField(label="Heure de début", widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label="Durée (minutes)",
        initial=30,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    capacity = forms.IntegerField(
        label="Nombre de places",
        initial=1,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="Plus d'une place pour une séance collective.",
    )

    def __init__(self, *args, zone=None, departements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone or timezone.get_current_timezone()
        self.departements = list(departements)
        agendas = usable_agendas()
        types = slot_types()
        agenda = selected_agenda(self, agendas)
        if agenda is not None:
            types = types.filter(places=agenda.place)
        self.fields["agenda"].queryset = agendas
        self.fields["appointment_type"].queryset = types

    def clean(self):
        cleaned = super().clean()
        check_type_for_agenda(self, cleaned.get("agenda"), cleaned.get("appointment_type"))
        day, at = cleaned.get("day"), cleaned.get("start_time")
        if day and at:
            starts_at = local_datetime(day, at, self.zone)
            if starts_at <= timezone.now():
                raise forms.ValidationError("Un créneau ne peut pas commencer dans le passé.")
            name = holiday_name(day, self.departements)
            if name:
                self.add_error("day", f"Ce jour est férié ({name}) : choisissez un autre jour.")
            cleaned["starts_at"] = starts_at
        return cleaned


class SlotFilterForm(DsfrMixin, forms.Form):
    """Agenda and local period of the slots list; missing values get their defaults."""

    mark_optional = False
    agenda = AgendaChoiceField(label="Agenda", queryset=Agenda.objects.none(), required=False)
    du = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    au = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)

    def __init__(self, data, *, zone=None, **kwargs):
        self.zone = zone or timezone.get_current_timezone()
        agendas = Agenda.objects.select_related("place").order_by(
            F("archived_at").asc(nulls_first=True), "place__name", "name"
        )
        # Show the defaults in the fields: today and the next days, the first agenda.
        data = data.copy()
        if not data.get("du"):
            data["du"] = local_today(self.zone).isoformat()
        if not data.get("au"):
            with contextlib.suppress(ValueError):
                first = date.fromisoformat(data["du"])
                data["au"] = (first + timedelta(days=DEFAULT_PERIOD_DAYS - 1)).isoformat()
        if not data.get("agenda"):
            first_agenda = agendas.first()
            data["agenda"] = first_agenda.pk if first_agenda else ""
        super().__init__(data, **kwargs)
        self.fields["agenda"].queryset = agendas
        self.fields["agenda"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("agenda") is None:
            cleaned["agenda"] = self.fields["agenda"].queryset.first()
        first = cleaned.get("du") or local_today(self.zone)
        last = cleaned.get("au") or first + timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if last < first:
            raise forms.ValidationError("La date de fin précède la date de début.")
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(
                f"Choisissez une période de {MAX_PERIOD_DAYS} jours au plus."
            )
        cleaned["du"], cleaned["au"] = first, last
        return cleaned


class SlotBulkForm(forms.Form):
    CLOSE, REOPEN = "fermer", "rouvrir"

    slots = forms.ModelMultipleChoiceField(
        queryset=Slot.objects.none(),
        error_messages={
            "required": "Cochez au moins un créneau.",
            "invalid_choice": "Un des créneaux cochés n'existe pas dans cet agenda ou est passé.",
            "invalid_pk_value": "Sélection de créneaux invalide.",
        },
    )
    action = forms.ChoiceField(
        choices=[(CLOSE, "Fermer"), (REOPEN, "Rouvrir")],
        error_messages={"required": "Action inconnue.", "invalid_choice": "Action inconnue."},
    )

    def __init__(self, *args, agenda=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agenda is not None:
            self.fields["slots"].queryset = Slot.objects.filter(agenda=agenda).future()

    @property
    def closed(self) -> bool:
        return self.cleaned_data["action"] == self.CLOSE
