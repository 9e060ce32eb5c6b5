"""Forms of onboarding: they validate and say what is wrong, in French."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_exists

from jurisdiction_apps.core.forms import DsfrMixin
from onboarding.constants import CreationState
from onboarding.creation.logos import LOGO_MAX_BYTES, LogoRefused, check_logo
from onboarding.models import CreationRequest
from tenants.constants import PhoneRegion
from tenants.models import (
    Domain,
    Jurisdiction,
    colour_validator,
    departement_validator,
    sender_name_validator,
    slug_validator,
    validate_time_zone,
)
from tenants.services import default_domain_for, schema_name_for
from tenants.time_zones import time_zone_choices

LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){LABEL}(\.{LABEL})+$")


def primary_colour_field() -> forms.CharField:
    return forms.CharField(
        label="Couleur principale",
        max_length=7,
        initial="#000091",
        help_text="La couleur du bandeau, choisie dans la palette (bleu de la République par "
        "défaut).",
        widget=forms.TextInput(attrs={"type": "color"}),
    )


def logo_field(*, label: str = "Logo", widget=forms.ClearableFileInput) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        help_text=(
            "PNG, JPEG, WebP ou SVG simple (sans script ni lien externe), 1 Mo et "
            "4096 × 4096 pixels au plus."
        ),
        widget=widget(attrs={"accept": "image/png,image/jpeg,image/webp,image/svg+xml"}),
    )


class BrandingMixin:
    """The checks of a jurisdiction's colour and logo, shared by the creation form and the
    branding form. The form declares ``primary_colour`` and ``logo`` (the field helpers above);
    once valid, ``logo_content`` is (extension, content) of an accepted logo, or None."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.logo_content: tuple[str, bytes] | None = None
        self.fields["logo"].widget.attrs["class"] = "fr-upload"

    def clean_primary_colour(self):
        value = self.cleaned_data["primary_colour"].strip()
        colour_validator(value)
        return value.lower()

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError("Le logo dépasse 1 Mo : réduisez-le.")
        content = upload.read(LOGO_MAX_BYTES + 1)
        try:
            kind, content = check_logo(content)
        except LogoRefused as refused:
            raise ValidationError(str(refused)) from None
        self.logo_content = (kind, content)
        return upload


class CreationForm(BrandingMixin, DsfrMixin, forms.Form):
    name = forms.CharField(label="Nom affiché", max_length=200)
    tj_name = forms.CharField(label="Nom du tribunal judiciaire", max_length=200, required=False)
    spip_name = forms.CharField(label="Nom du SPIP", max_length=200, required=False)
    slug = forms.CharField(
        label="Identifiant court",
        max_length=42,
        help_text="Minuscules, chiffres et tirets, par exemple « tj-nanterre ». Sert d'adresse.",
    )
    domains = forms.CharField(
        label="Domaines",
        required=False,
        help_text="Un par ligne ou séparés par des virgules ; vide : <identifiant>.<domaine de la "
        "plateforme>.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    departements = forms.CharField(
        label="Départements",
        max_length=60,
        required=False,
        help_text="Codes séparés par des virgules, par exemple 92 ou 971,972.",
    )
    time_zone = forms.ChoiceField(
        label="Fuseau horaire",
        initial="Europe/Paris",
        help_text="L'heure des rendez-vous, des créneaux et des SMS de la juridiction.",
        error_messages={"invalid_choice": "Fuseau horaire inconnu : choisissez dans la liste."},
    )
    phone_region = forms.ChoiceField(
        label="Région téléphonique", choices=PhoneRegion.choices, initial=PhoneRegion.FR
    )
    sms_sender_name = forms.CharField(
        label="Expéditeur des SMS",
        max_length=11,
        initial="JUSTICE",
        help_text="3 à 11 lettres latines ou chiffres, pas uniquement des chiffres.",
    )
    primary_colour = primary_colour_field()
    logo = logo_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # offsets of today

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        slug_validator(slug)
        if Jurisdiction.objects.filter(slug=slug).exists():
            raise ValidationError(f"Une juridiction a déjà l'identifiant « {slug} ».")
        if CreationRequest.objects.filter(
            slug=slug, state__in=[CreationState.QUEUED, CreationState.RUNNING]
        ).exists():
            raise ValidationError(f"Une création est déjà en cours pour « {slug} ».")
        if schema_exists(schema_name_for(slug)):
            raise ValidationError("Cet identifiant a déjà servi : choisissez-en un autre.")
        return slug

    def clean_domains(self):
        raw = self.cleaned_data["domains"]
        domains = []
        for part in re.split(r"[\s,;]+", raw.strip().lower()):
            if not part:
                continue
            if not HOSTNAME.match(part):
                raise ValidationError(f"« {part} » n'est pas un nom de domaine valide.")
            if part not in domains:
                domains.append(part)
        taken = sorted(Domain.objects.filter(domain__in=domains).values_list("domain", flat=True))
        if taken:
            raise ValidationError(f"Domaine déjà utilisé : {', '.join(taken)}.")
        return domains

    def clean_departements(self):
        value = "".join(self.cleaned_data["departements"].upper().split())
        if value:
            departement_validator(value)
        return value

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        validate_time_zone(value)
        return value

    def clean_sms_sender_name(self):
        value = self.cleaned_data["sms_sender_name"].strip()
        sender_name_validator(value)
        return value

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug")
        if slug and "domains" in cleaned and not cleaned["domains"]:
            default = default_domain_for(slug)
            if Domain.objects.filter(domain=default).exists():
                self.add_error("domains", f"Domaine déjà utilisé : {default}.")
        return cleaned

    def spec_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("logo", None)
        return data


class BrandingForm(BrandingMixin, DsfrMixin, forms.Form):
    """The branding of an existing jurisdiction: banner name, colour, logo replaced or removed."""

    brand_name = forms.CharField(
        label="Nom sur le bandeau",
        max_length=Jurisdiction._meta.get_field("brand_name").max_length,
        required=False,
        help_text="Affiché en tête du portail et de l'espace des agents ; vide : le nom affiché.",
    )
    primary_colour = primary_colour_field()
    logo = logo_field(label="Nouveau logo", widget=forms.FileInput)
    remove_logo = forms.BooleanField(label="Retirer le logo actuel", required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_logo") and self.logo_content is not None:
            self.add_error(
                "remove_logo", "Choisissez : remplacer le logo ou le retirer, pas les deux."
            )
        return cleaned


class TestSmsForm(DsfrMixin, forms.Form):
    phone = forms.CharField(
        label="Votre numéro de portable",
        max_length=20,
        help_text="Le SMS de test part par le premier fournisseur de la juridiction.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class TestCodeForm(DsfrMixin, forms.Form):
    code = forms.CharField(
        label="Code reçu par SMS",
        max_length=12,
        help_text="6 chiffres.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class OverrideForm(DsfrMixin, forms.Form):
    reason = forms.CharField(
        label="Raison de la mise en service malgré les points manquants",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise ValidationError("Expliquez la raison en une phrase (10 caractères au moins).")
        return reason
