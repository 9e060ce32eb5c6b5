"""Phone numbers written the French way, on every page and in every SMS.

Numbers are stored in E.164 (``+33610000001``) and never shown so: a number of the French
numbering plan (metropolitan France and the overseas regions, which dial each other nationally)
is written as the French write it, "06 10 00 00 01", "0692 12 34 56"; a foreign one in
international form, "+44 20 7946 0958". Links use ``tel:`` and E.164. Texts typed by hand (the
public site's service pages) are read with the same rules, so a service has one writing
everywhere. Parsing what people type is jurisdiction_apps.core.phones.
"""

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat

# Metropolitan France and the overseas departments and collectivities share one national
# numbering plan: "0692 12 34 56" dialled in Nanterre reaches a Réunion mobile (+262 692...),
# "06 12 34 56 78" dialled in Saint-Denis a metropolitan one (+33 6...).
FRENCH_NUMBERING_PLAN = ("FR", "RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")
FRENCH_COUNTRY_CODES = frozenset(
    phonenumbers.country_code_for_region(region) for region in FRENCH_NUMBERING_PLAN
)


def _parse(value: str, region: str):
    text = (value or "").strip()
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region or "FR")
    except phonenumbers.NumberParseException:
        return None
    if not text.startswith("+") and not phonenumbers.is_valid_number(number):
        # "02 62 12 34 56" typed in Paris is a Réunion line: read it as its region would.
        elsewhere = {}
        for other in FRENCH_NUMBERING_PLAN:
            candidate = phonenumbers.parse(text, other)
            if phonenumbers.is_valid_number(candidate):
                elsewhere[phonenumbers.format_number(candidate, PhoneNumberFormat.E164)] = candidate
        if len(elsewhere) == 1:
            return next(iter(elsewhere.values()))
    return number


def _in_pairs(national: str) -> str:
    """ "0199001234" -> "01 99 00 12 34" (a French number the metadata does not format)."""
    digits = re.sub(r"\D", "", national)
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return national


def phone_display(value: str, region: str = "FR") -> str:
    """+33610000001 → "06 10 00 00 01"; +262692123456 → "0692 12 34 56"; a foreign number in
    international form; a text that is no number is returned as it was written."""
    number = _parse(value, region)
    if number is None:
        return (value or "").strip()
    if number.country_code in FRENCH_COUNTRY_CODES:
        national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        return national if " " in national else _in_pairs(national)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def phone_tel(value: str, region: str = "FR") -> str:
    """The ``tel:`` link of a number (E.164), "" when the text is no number."""
    number = _parse(value, region)
    if number is None or not phonenumbers.is_possible_number(number):
        return ""
    return "tel:" + phonenumbers.format_number(number, PhoneNumberFormat.E164)
