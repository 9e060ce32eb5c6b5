"""The pseudonymous keys of the national person index (issue 19, ADR 0023).

A key is an HMAC-SHA256 with the platform's secret ``PERSON_INDEX_SECRET`` of a normalised value:
without the secret, a key cannot be checked against a guessed name or APPI number, and the
public schema holds no name, birth date or phone. Changing the secret means running
``manage.py rebuild_person_index --rehash`` (every key is recomputed from the people's rows).
"""

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings

KEY_LENGTH = 64  # hex digits of a SHA-256


_KEYED: dict[str, "hmac.HMAC"] = {}  # the HMAC keyed with the secret, copied for each key


def _key(kind: str, value: str) -> str:
    secret = settings.PERSON_INDEX_SECRET
    keyed = _KEYED.get(secret)
    if keyed is None:  # once per secret (tests may override the setting)
        keyed = _KEYED[secret] = hmac.new(secret.encode(), digestmod=hashlib.sha256)
    mac = keyed.copy()
    mac.update(f"{kind}:{value}".encode())
    return mac.hexdigest()


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _word(text: str) -> str:
    """Accent-, case-, space- and punctuation-free: "Lefèvre-Durand" → "lefevredurand"."""
    if text.isascii():
        return _NOT_WORD.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub("", plain.lower())


def appi_key(appi_number: str) -> str:
    """The key of an APPI number (already cleaned: digits and an optional letter), or ""."""
    appi = re.sub(r"[\s.]", "", appi_number or "").upper()
    return _key("appi", appi) if appi else ""


def identity_key(last_name: str, first_names: str, birth_date: date | str | None) -> str:
    """The key of last name + first first name + birth date, or "" when one is missing.

    Only the first of the first names counts: one service writes "Jean Pierre Marie", another
    "Jean"; a hyphenated first name stays one ("Jean-Pierre" → "jeanpierre")."""
    first = (first_names or "").split()
    last, first = _word(last_name or ""), _word(first[0]) if first else ""
    if not (last and first and birth_date):
        return ""
    # str(date) is its ISO form; a string given to a DateField (bulk loaders) is already ISO.
    return _key("identity", f"{last}|{first}|{birth_date}")
