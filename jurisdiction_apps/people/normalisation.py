"""Pure functions that clean what agents type: names and APPI numbers (phone numbers:
jurisdiction_apps/core/phones.py)."""

import re
import unicodedata

APPI_PATTERN = re.compile(r"^([0-9]{8}|[0-9]{12})[A-Za-z]?$")  # ASCII digits only


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_key(*parts: str) -> str:
    """Lower-case, accent-free, single-spaced text for name search."""
    text = " ".join(part for part in parts if part)
    text = strip_accents(text).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


def clean_last_name(value: str) -> str:
    return " ".join(value.split()).upper()


def clean_first_names(value: str) -> str:
    """Capitalise each name, keeping hyphens and apostrophes: jean-pierre → Jean-Pierre."""
    words = " ".join(value.split()).lower()
    return re.sub(r"(^|[\s\-'’])(\w)", lambda m: m.group(1) + m.group(2).upper(), words)


def clean_appi_number(value: str) -> str:
    value = re.sub(r"[\s.]", "", value or "").removeprefix("n°").removeprefix("N°")
    return value.upper()


def is_valid_appi_number(value: str) -> bool:
    return bool(APPI_PATTERN.match(value))
