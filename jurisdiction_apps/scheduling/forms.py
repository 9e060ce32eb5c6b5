from datetime import datetime

from django import forms

from .constants import NotifyMode


class BookingForm(forms.Form):
    """The last step of booking: when (slot or free time), how to notify, who holds it."""

    slot = forms.IntegerField(
        label="Créneau",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Ce créneau n'existe pas : choisissez-en un dans la liste."},
    )
    date = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label="Heure", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(
        label="Durée (minutes)", required=False, min_value=5, max_value=600
    )
    notify_mode = forms.ChoiceField(
        label="Prévenir la personne",
        choices=NotifyMode.choices,
        widget=forms.RadioSelect,
        initial=NotifyMode.NOTIFY_AND_REMIND,
    )
    case_numbers = forms.CharField(label="Numéros de parquet", required=False, max_length=200)
    assigned_agent = forms.TypedChoiceField(
        label="Agent qui reçoit la personne", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, appointment_type, agents, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment_type = appointment_type
        self.zone = zone
        self.fields["assigned_agent"].choices = [("", "— Aucun —")] + [
            (m.user_id, f"{m.user.get_full_name()} ({m.get_role_display()})") for m in agents
        ]
        if appointment_type.needs_case_number:
            self.fields["case_numbers"].required = True
            self.fields["case_numbers"].help_text = "Demandé pour ce type de rendez-vous."
        if appointment_type.books_on_slots:
            for name in ("date", "time", "duration_minutes"):
                del self.fields[name]
        else:
            self.fields["date"].required = True
            self.fields["time"].required = True
            self.fields["duration_minutes"].initial = appointment_type.default_duration_minutes
            del self.fields["slot"]

    def clean(self):
        cleaned = super().clean()
        slot_missing = not cleaned.get("slot") and "slot" not in self.errors
        if self.appointment_type.books_on_slots and slot_missing:
            self.add_error("slot", "Choisissez un créneau.")
        if not self.appointment_type.books_on_slots and cleaned.get("date") and cleaned.get("time"):
            cleaned["starts_at"] = datetime.combine(
                cleaned["date"], cleaned["time"], tzinfo=self.zone
            )
        return cleaned
