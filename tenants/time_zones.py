"""Time zones in French words: "heure de La Réunion", never "Indian/Reunion".

The jurisdictions' time zones are IANA names in the database (zoneinfo needs them); every page
names them through this module: ``time_zone_label`` in a sentence ("heure de La Réunion"),
``zone_label`` in a table (the territory and its offset), ``TIME_ZONE_CHOICES`` in forms.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

# IANA name -> (territory, "heure de ..." phrase). Order: the choices of the forms.
ZONES = {
    "Europe/Paris": ("France métropolitaine", "heure de Paris"),
    "Indian/Reunion": ("La Réunion", "heure de La Réunion"),
    "Indian/Mayotte": ("Mayotte", "heure de Mayotte"),
    "America/Guadeloupe": ("Guadeloupe", "heure de la Guadeloupe"),
    "America/Martinique": ("Martinique", "heure de la Martinique"),
    "America/Cayenne": ("Guyane", "heure de la Guyane"),
    "America/Miquelon": ("Saint-Pierre-et-Miquelon", "heure de Saint-Pierre-et-Miquelon"),
    "America/St_Barthelemy": ("Saint-Barthélemy", "heure de Saint-Barthélemy"),
    "America/Marigot": ("Saint-Martin", "heure de Saint-Martin"),
    "Pacific/Noumea": ("Nouvelle-Calédonie", "heure de la Nouvelle-Calédonie"),
    "Pacific/Tahiti": ("Polynésie française", "heure de Tahiti"),
    "Pacific/Marquesas": ("Polynésie française (Marquises)", "heure des Marquises"),
    "Pacific/Gambier": ("Polynésie française (Gambier)", "heure des Gambier"),
    "Pacific/Wallis": ("Wallis-et-Futuna", "heure de Wallis-et-Futuna"),
}
PLACES = {name: place for name, (place, _) in ZONES.items()}


def utc_offset(zone_name: str, at: datetime | None = None) -> str:
    """ "UTC+4", "UTC−3", "UTC+9:30", "UTC" at that instant (now by default)."""
    offset = (at or timezone.now()).astimezone(ZoneInfo(zone_name)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def time_zone_label(zone_name: str, at: datetime | None = None) -> str:
    """ "heure de Paris", "heure de La Réunion"; another zone by its offset ("heure locale,
    UTC+9"), never by its IANA name."""
    if zone_name in ZONES:
        return ZONES[zone_name][1]
    try:
        return f"heure locale, {utc_offset(zone_name, at)}"
    except (ValueError, KeyError, OSError):  # not a zone at all: nothing readable to say
        return "heure locale"


def zone_label(zone_name: str, at: datetime | None = None) -> str:
    """The territory and its offset, for tables; metropolitan France by its name alone (its
    offset moves twice a year and everybody knows it)."""
    place = PLACES.get(zone_name)
    if zone_name == "Europe/Paris":
        return place
    return f"{place or 'Autre fuseau'} ({utc_offset(zone_name, at)})"


def time_zone_choices() -> list[tuple[str, str]]:
    """Form choices: the territory and its phrase ("La Réunion (heure de La Réunion, UTC+4)")."""
    choices = []
    for name, (place, phrase) in ZONES.items():
        offset = "" if name == "Europe/Paris" else f", {utc_offset(name)}"
        choices.append((name, f"{place} ({phrase}{offset})"))
    return choices
