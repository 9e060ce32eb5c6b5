"""Forms of the people screens: they validate (through the services' rules), services act."""

from django import forms
from django.core.exceptions import ValidationError

from jurisdiction_apps.core.history import user_label
from tenants.models import Membership

from . import services
from .constants import PERSON_FIELDS, Residence

# Fields handed to services.clean_person_data, in the order errors are shown.
PERSON_DATA_FIELDS = tuple(field for field in PERSON_FIELDS if field != "referent")
CONFIRM_MESSAGE = (
    "Une personne de même nom, mêmes prénoms et même date de naissance est déjà enregistrée : "
    "vérifiez sa fiche, puis cochez « Il s'agit bien d'une autre personne » pour enregistrer."
)


def _messages_id(name: str) -> str:
    return f"id_{name}-messages"


class PersonForm(forms.Form):
    last_name = forms.CharField(label="Nom", max_length=120)
    first_names = forms.CharField(
        label="Prénoms", max_length=200, help_text="Tous les prénoms, séparés par des espaces."
    )
    birth_date = forms.DateField(
        label="Date de naissance",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    phone = forms.CharField(
        label="Téléphone portable",
        required=False,
        max_length=30,
        help_text="Par exemple : 06 12 34 56 78 ou +33 6 12 34 56 78.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    no_mobile_phone = forms.BooleanField(label="Pas de téléphone portable", required=False)
    refuses_sms = forms.BooleanField(
        label="Refuse de recevoir les SMS",
        required=False,
        help_text="Aucun SMS ne sera envoyé à cette personne.",
    )
    appi_number = forms.CharField(
        label="Numéro APPI",
        required=False,
        max_length=20,
        help_text="8 ou 12 chiffres, éventuellement suivis d'une lettre.",
    )
    residence = forms.ChoiceField(
        label="Résidence",
        choices=Residence.choices,
        initial=Residence.CITY,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez où réside la personne."},
    )
    city = forms.CharField(
        label="Commune de résidence",
        required=False,
        max_length=120,
        help_text="Seulement si la personne réside dans une commune.",
    )
    referent = forms.ChoiceField(
        label="Agent référent",
        required=False,
        error_messages={"invalid_choice": "Choisissez un agent de la juridiction."},
    )
    confirm_not_duplicate = forms.BooleanField(
        label="Il s'agit bien d'une autre personne", required=False
    )

    def __init__(self, *args, jurisdiction, person=None, **kwargs):
        self.jurisdiction = jurisdiction
        self.person = person
        self.similar: list = []
        self.duplicate: services.DuplicateFound | None = None
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(person)
        super().__init__(*args, **kwargs)
        self._set_referent_choices()
        for name, bound_field in self.fields.items():
            widget = bound_field.widget
            if isinstance(widget, forms.TextInput | forms.DateInput):
                widget.attrs.setdefault("class", "fr-input")
            elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "fr-select")
            widget.attrs["aria-describedby"] = _messages_id(name)

    @staticmethod
    def initial_from(person) -> dict:
        initial = {name: getattr(person, name) for name in PERSON_DATA_FIELDS}
        initial["referent"] = str(person.referent_id) if person.referent_id else ""
        return initial

    def _set_referent_choices(self) -> None:
        memberships = (
            Membership.objects.agents()
            .filter(jurisdiction=self.jurisdiction)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user__pk")
        )
        self.referents = {}
        choices = [("", "Aucun agent référent")]
        for membership in memberships:
            if membership.user_id in self.referents:
                continue
            self.referents[membership.user_id] = membership.user
            choices.append(
                (
                    str(membership.user_id),
                    f"{user_label(membership.user)} — {membership.get_role_display()}",
                )
            )
        person = self.person
        if person is not None and person.referent_id and person.referent_id not in self.referents:
            # An agent who left stays the referent until someone picks another one.
            self.referents[person.referent_id] = person.referent
            choices.append(
                (
                    str(person.referent_id),
                    f"{user_label(person.referent)} (ne fait plus partie de la juridiction)",
                )
            )
        self.fields["referent"].choices = choices

    def clean_referent(self):
        value = self.cleaned_data.get("referent") or ""
        if not value:
            return None
        try:
            return self.referents[int(value)]
        except (KeyError, ValueError) as error:
            raise ValidationError("Choisissez un agent de la juridiction.") from error

    def clean(self):
        cleaned = super().clean()
        # A field that failed its own validation is absent: hand the services an empty value.
        data = {name: cleaned.get(name, "") for name in PERSON_DATA_FIELDS}
        data["birth_date"] = cleaned.get("birth_date")
        try:
            normalised = services.clean_person_data(data, region=self.jurisdiction.phone_region)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                target = name if name in self.fields else None
                if target is None or target not in self.errors:
                    self.add_error(target, messages)
            return cleaned
        if self.errors:
            return cleaned
        cleaned.update(normalised)
        exclude_pk = self.person.pk if self.person is not None else None
        duplicate = services.find_blocking_duplicate(cleaned, exclude_pk=exclude_pk)
        if duplicate is not None:
            self.add_duplicate(duplicate)
            return cleaned
        self.similar = list(services.similar_people(cleaned, exclude_pk=exclude_pk))
        if self.similar and not cleaned.get("confirm_not_duplicate"):
            self.add_error("confirm_not_duplicate", CONFIRM_MESSAGE)
        return cleaned

    def add_duplicate(self, duplicate: services.DuplicateFound) -> None:
        """A blocking duplicate: an error on the field; the page links to the existing person."""
        self.duplicate = duplicate
        field = duplicate.field if duplicate.field in self.fields else None
        self.add_error(field, duplicate.message)

    @property
    def person_data(self) -> dict:
        """What services.save_person takes: normalised fields and the referent user."""
        data = {name: self.cleaned_data[name] for name in PERSON_DATA_FIELDS}
        data["referent"] = self.cleaned_data.get("referent")
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher une personne",
        required=False,
        max_length=100,
        help_text="Nom, téléphone ou numéro APPI.",
        error_messages={"max_length": "La recherche est trop longue (100 caractères au plus)."},
        widget=forms.TextInput(attrs={"type": "search", "class": "fr-input"}),
    )
    archives = forms.BooleanField(label="Inclure les personnes archivées", required=False)


class ArchiveForm(forms.Form):
    ARCHIVE = "archiver"
    UNARCHIVE = "desarchiver"

    action = forms.ChoiceField(
        choices=[(ARCHIVE, "Archiver"), (UNARCHIVE, "Désarchiver")],
        required=False,
        error_messages={"invalid_choice": "Action inconnue : rien n'a été changé."},
    )

    def archived_wanted(self, person) -> bool:
        """The state asked for; without an explicit action, the opposite of the current one."""
        action = self.cleaned_data.get("action")
        if not action:
            return not person.is_archived
        return action == self.ARCHIVE


class HoldForm(forms.Form):
    """Put a person on legal hold (issue 18): the reason is required and goes in the audit."""

    reason = forms.CharField(
        label="Motif du gel",
        help_text=(
            "Par exemple : mesure de suivi socio-judiciaire en cours jusqu'en 2029, demande du "
            "juge de l'application des peines du 3 mars. Le motif est lu par l'administrateur "
            "local chaque année."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "class": "fr-input"}),
        max_length=500,
        error_messages={
            "required": "Écrivez le motif du gel : mesure en cours, demande d'un magistrat…",
            "max_length": "Le motif ne doit pas dépasser 500 caractères.",
        },
    )
