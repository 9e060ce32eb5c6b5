"""Forms of the organisation screens: they validate and say what is wrong, in French."""

import contextlib
from datetime import date, timedelta

import phonenumbers
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import F
from django.utils import timezone

from jurisdiction_apps.core.phones import PhoneError, parse_phone
from jurisdiction_apps.scheduling.models import Slot, SlotTemplate
from jurisdiction_apps.scheduling.territory import holiday_name, local_datetime
from shared.public_site.models import ServicePage
from tenants.constants import Role

from .constants import BookingMode, ContactMethod, PlaceKind
from .models import Agenda, AppointmentType, Place, Service
from .slot_admin import DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, local_today

postcode_validator = RegexValidator(r"^\d{5}$", "Le code postal compte 5 chiffres, sans espace.")

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


# --- places and agendas --------------------------------------------------------------------------
class PlaceForm(DsfrMixin, forms.ModelForm):
    postcode = forms.CharField(
        label="Code postal", required=False, max_length=5, validators=[postcode_validator]
    )
    appointment_types = forms.ModelMultipleChoiceField(
        label="Types de rendez-vous proposés",
        queryset=AppointmentType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Place
        fields = [
            "kind",
            "service",
            "name",
            "address",
            "postcode",
            "city",
            "phone",
            "email",
            "main_contact_method",
            "access_notes",
            "service_page",
            "info_url",
            "appointment_types",
        ]
        widgets = {"access_notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"info_url": HttpsURLField}
        help_texts = {
            "phone": "Le numéro que la personne peut appeler, par exemple 01 40 97 10 10.",
            "access_notes": "Étage, bus, accès pour les personnes à mobilité réduite…",
            "service_page": "La page nationale du lieu sur le site d'information : les SMS y "
            "renvoient.",
            "info_url": "Seulement si le lieu n'a pas de fiche nationale : le lien envoyé dans les "
            "SMS, par exemple https://…",
        }

    def __init__(self, *args, region: str = "FR", **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["service"].queryset = Service.objects.order_by("kind", "name")
        self.fields["service"].empty_label = "— Aucun —"
        self.fields["service_page"].queryset = ServicePage.objects.published().order_by(
            "departement", "name"
        )
        self.fields["service_page"].empty_label = "— Aucune —"
        types = AppointmentType.objects.active()
        if self.instance.pk:
            types = types | AppointmentType.objects.filter(places=self.instance)
        self.fields["appointment_types"].queryset = types.distinct().order_by(
            "service_kind", "label"
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        try:
            parsed = parse_phone(raw, self.region)
        except PhoneError as error:
            raise forms.ValidationError(str(error)) from error
        number = phonenumbers.parse(parsed.e164)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("main_contact_method")
        if (
            method == ContactMethod.PHONE
            and not cleaned.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", "Indiquez le téléphone : c'est le moyen de contact principal.")
        if (
            method == ContactMethod.EMAIL
            and not cleaned.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", "Indiquez le courriel : c'est le moyen de contact principal.")
        if cleaned.get("kind") == PlaceKind.OFFICE:
            for field, message in (
                ("address", "Indiquez l'adresse des locaux."),
                ("postcode", "Indiquez le code postal des locaux."),
                ("city", "Indiquez la commune des locaux."),
            ):
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, message)
        return cleaned


class AgendaForm(DsfrMixin, forms.ModelForm):
    class Meta:
        model = Agenda
        fields = ["place", "name"]
        help_texts = {"name": "Par exemple « Bureau du JAP 2 » ou « Équipe milieu ouvert A »."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        places = Place.objects.active()
        if self.instance.pk:
            places = places | Place.objects.filter(pk=self.instance.place_id)
        self.fields["place"].queryset = places.order_by("name")

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        place, name = cleaned.get("place"), cleaned.get("name")
        if place and name:
            clash = Agenda.objects.filter(place=place, name__iexact=name)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "name",
                    f"Un agenda « {name} » existe déjà dans ce lieu : choisissez un autre nom.",
                )
        return cleaned

    def validate_constraints(self, exclude=None):
        # The uniqueness of the name is checked in clean() with a French message.
        pass


class ArchiveForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("archiver", "Archiver"), ("desarchiver", "Désarchiver")],
        error_messages={"required": "Action inconnue.", "invalid_choice": "Action inconnue."},
    )

    @property
    def archive(self) -> bool:
        return self.cleaned_data["action"] == "archiver"


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


# --- agents --------------------------------------------------------------------------------------
class InviteAgentForm(DsfrMixin, forms.Form):
    email = forms.EmailField(
        label="Adresse électronique professionnelle",
        help_text="Par exemple prenom.nom@justice.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Rôle",
        choices=Role.choices,
        error_messages={"invalid_choice": "Rôle inconnu.", "required": "Choisissez un rôle."},
    )
