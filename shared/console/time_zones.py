"""Time zones of the jurisdictions in French words: "La Réunion (UTC+4)", never "Indian/Reunion".

A local mapping of the console; a shared helper of French time-zone names is being written
elsewhere: this one is to be merged into it.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

PLACES = {
    "Europe/Paris": "France métropolitaine",
    "Indian/Reunion": "La Réunion",
    "Indian/Mayotte": "Mayotte",
    "America/Guadeloupe": "Guadeloupe",
    "America/Martinique": "Martinique",
    "America/Cayenne": "Guyane",
    "America/Miquelon": "Saint-Pierre-et-Miquelon",
    "America/St_Barthelemy": "Saint-Barthélemy",
    "America/Marigot": "Saint-Martin",
    "Pacific/Noumea": "Nouvelle-Calédonie",
    "Pacific/Tahiti": "Polynésie française",
    "Pacific/Marquesas": "Polynésie française (Marquises)",
    "Pacific/Gambier": "Polynésie française (Gambier)",
    "Pacific/Wallis": "Wallis-et-Futuna",
}


def utc_offset(zone_name: str, at: datetime | None = None) -> str:
    """ "UTC+4", "UTC−3", "UTC+9:30", "UTC" at that instant (now by default)."""
    offset = (at or timezone.now()).astimezone(ZoneInfo(zone_name)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone_name: str, at: datetime | None = None) -> str:
    """The territory and its offset; metropolitan France by its name alone (its offset moves
    twice a year and everybody knows it)."""
    place = PLACES.get(zone_name)
    if zone_name == "Europe/Paris":
        return place
    return f"{place or 'Autre fuseau'} ({utc_offset(zone_name, at)})"
