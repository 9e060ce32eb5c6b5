"""Départements and postcodes: what the finder and the directory search on.

A French postcode starts with its département's code (two digits; three overseas; Corsica's
20xxx split into 2A and 2B), so a well-formed postcode gives its département without a table of
the 39,000 postcodes. A postcode whose prefix is no département is "unknown": the search says so
and suggests the département whose number is closest.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .departements_data import ROWS


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


DEPARTEMENTS: dict[str, Departement] = {row[0]: Departement(*row) for row in ROWS}

POSTCODE = re.compile(r"^\d{5}$")
DEPARTEMENT_CODE = re.compile(r"^(\d{1,3}|2[AB])$", re.IGNORECASE)


def search_key(text: str) -> str:
    """Upper case, no accents, hyphens and apostrophes as spaces: "saint etienne" finds
    "Saint-Étienne"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[-'’\s]+", " ", text)
    return text.strip().upper()


def departement_of_postcode(postcode: str) -> str | None:
    """The département of a well-formed postcode, or None when no département has its prefix."""
    if not POSTCODE.match(postcode):
        return None
    if postcode.startswith("20"):
        code = "2A" if postcode[2] in "01" else "2B"
    elif postcode.startswith(("97", "98")):
        code = postcode[:3]
    else:
        code = postcode[:2]
    return code if code in DEPARTEMENTS else None


def _number(code: str) -> float:
    corsica = {"2A": 20.0, "2B": 20.5}
    return corsica[code.upper()] if code.upper() in corsica else float(code)


def nearest_by_number(prefix: str) -> Departement:
    """The département whose code is closest to an unknown prefix (00 → 01, 96 → 95, 989 → 988)."""
    target = _number(prefix)
    return min(DEPARTEMENTS.values(), key=lambda d: (abs(_number(d.code) - target), d.code))


def unknown_postcode_hint(postcode: str) -> Departement:
    prefix = postcode[:3] if postcode.startswith(("97", "98")) else postcode[:2]
    return nearest_by_number(prefix)


def distance_km(a: Departement, b: Departement) -> float:
    """Great-circle distance between two prefecture towns."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


def nearest(code: str, among: set[str], limit: int = 3) -> list[Departement]:
    """The départements of ``among`` closest to ``code`` (itself excluded)."""
    origin = DEPARTEMENTS[code]
    others = [DEPARTEMENTS[c] for c in among if c != code and c in DEPARTEMENTS]
    return sorted(others, key=lambda d: distance_km(origin, d))[:limit]


@cache
def departements_by_key() -> dict[str, Departement]:
    return {search_key(d.name): d for d in DEPARTEMENTS.values()}


def departement_named(text: str) -> Departement | None:
    """A département typed by its code ("92", "2a", "974") or its name ("hauts de seine")."""
    text = text.strip()
    if DEPARTEMENT_CODE.match(text):
        return DEPARTEMENTS.get(text.upper().zfill(2))
    return departements_by_key().get(search_key(text))
