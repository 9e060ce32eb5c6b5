"""Forms of the file pages: erasing a person on request, exporting their data."""

from django import forms

from .models import ErasureReason


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label="Motif de l'effacement",
        choices=[("", "Choisir un motif"), *ErasureReason.choices],
        widget=forms.Select(attrs={"class": "fr-select"}),
        error_messages={
            "required": "Choisissez le motif de l'effacement.",
            "invalid_choice": "Choisissez un motif de la liste.",
        },
    )
    detail = forms.CharField(
        label="Précision",
        required=False,
        max_length=300,
        help_text=(
            "Référence de la décision ou de la demande (numéro, date). Elle reste après "
            "l'effacement : n'y écrivez ni le nom ni un numéro de la personne."
        ),
        widget=forms.TextInput(attrs={"class": "fr-input"}),
        error_messages={"max_length": "La précision ne doit pas dépasser 300 caractères."},
    )
    confirmation = forms.CharField(
        label="Pour confirmer, écrivez le nom de famille de la personne",
        max_length=120,
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "off"}),
        error_messages={"required": "Écrivez le nom de famille de la personne pour confirmer."},
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirmation(self):
        typed = " ".join(self.cleaned_data["confirmation"].split())
        if typed.casefold() != self.person.last_name.casefold():
            raise forms.ValidationError(
                "Ce n'est pas le nom de famille de la personne : rien n'a été effacé."
            )
        return typed


class DataExportForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        help_text=(
            "Par exemple : demande de droit d'accès reçue le 3 mars par courrier. Le motif est "
            "inscrit dans la traçabilité de la fiche avec votre nom."
        ),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "off"}),
        error_messages={
            "required": (
                "Écrivez le motif de l'export (ex. : demande de droit d'accès reçue le …) : "
                "rien n'a été téléchargé."
            ),
            "max_length": "Le motif ne doit pas dépasser 300 caractères.",
        },
    )
