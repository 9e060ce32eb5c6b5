"""SMS templates: placeholders in braces, validated before saving, rendered per appointment."""

from string import Formatter

from django.core.exceptions import ValidationError

from .encoding import measure

# Placeholder (as agents write it) -> what it stands for.
PLACEHOLDERS = {
    "date": "la date du rendez-vous (« mardi 3 mars »)",
    "heure": "l'heure (« 14h30 »)",
    "lieu": "le nom du lieu",
    "adresse": "l'adresse du lieu",
    "telephone": "le téléphone du lieu",
    "contact": "le contact (agent ou service)",
    "lien": "le lien vers la page « préparer ma convocation »",
}
MAX_SEGMENTS = 6
# Every SMS ends with the person's STOP link (notifications/texts.py), measured with the text.
STOP_LINE = "\nSTOP SMS : {url}"
# A realistic appointment, for validation and the editor's preview.
SAMPLE_VALUES = {
    "date": "mercredi 17 décembre",
    "heure": "14h30",
    "lieu": "SPIP des Hauts-de-Seine, antenne de Nanterre",
    "adresse": "179 avenue Joliot-Curie, 92000 Nanterre",
    "telephone": "01 47 29 00 00",
    "contact": "SPIP des Hauts-de-Seine",
    "lien": "https://suivi-justice.fr/preparer/spip-92-nanterre/",
}
SAMPLE_STOP_URL = "https://nanterre.suivi-justice.fr/stop/AbCdEfGh2k"


def with_stop_line(text: str, url: str) -> str:
    return text + STOP_LINE.format(url=url)


def placeholders_in(text: str) -> list[str]:
    """The placeholder names of a template; ValidationError for a malformed one."""
    names = []
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as error:
        raise ValidationError(
            "Accolade mal fermée : écrivez les champs ainsi : {date}, {heure}…"
        ) from error
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValidationError(
                f"Champ mal écrit : « {{{name}}} ». Écrivez par exemple {{date}}."
            )
        names.append(name)
    return names


def validate_template(text: str, sample: dict[str, str]) -> None:
    """Unknown placeholders and texts over MAX_SEGMENTS (rendered with ``sample``) are refused."""
    if not text.strip():
        raise ValidationError("Le texte du SMS est vide.")
    unknown = sorted({name for name in placeholders_in(text) if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        listed = ", ".join("{" + name + "}" for name in unknown)
        raise ValidationError(f"Champ inconnu : {listed}. Champs possibles : {known}.")
    segments = measure(with_stop_line(render(text, sample), SAMPLE_STOP_URL)).segments
    if segments > MAX_SEGMENTS:
        raise ValidationError(
            f"Ce SMS ferait {segments} parties : raccourcissez-le ({MAX_SEGMENTS} au plus)."
        )


def render(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders filled (a missing value renders empty)."""
    return text.format_map({name: values.get(name, "") for name in placeholders_in(text)})
