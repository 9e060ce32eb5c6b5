"""Forms of the organisation screens: they validate and say what is wrong, in French."""

import phonenumbers
from django import forms
from django.core.validators import RegexValidator

from jurisdiction_apps.core.forms import DsfrMixin, HttpsURLField
from jurisdiction_apps.core.phones import PhoneError, parse_phone
from shared.public_site.models import ServicePage
from tenants.constants import Role

from .constants import ContactMethod, PlaceKind
from .models import Agenda, AppointmentType, Place, Service

postcode_validator = RegexValidator(r"^\d{5}$", "Le code postal compte 5 chiffres, sans espace.")


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
