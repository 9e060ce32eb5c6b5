"""Phone numbers as agents and people type them, read with the jurisdiction's region and stored in
E.164 (phonenumbers, with the French national numbering plan shared by the overseas regions)."""

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from tenants.phones import FRENCH_NUMBERING_PLAN, phone_display

MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class PhoneError(ValueError):
    """A French message that says what is wrong with a phone number."""


@dataclass(frozen=True)
class ParsedPhone:
    e164: str
    is_mobile: bool


def _elsewhere_in_france(text: str, region: str):
    """A national number invalid in the jurisdiction's region but valid in exactly one other
    region of the French plan (a number valid in two would be ambiguous: left invalid)."""
    if text.startswith("+"):
        return None
    found = []
    for other in FRENCH_NUMBERING_PLAN:
        if other == region:
            continue
        try:
            number = phonenumbers.parse(text, other)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            found.append(number)
    unique = {phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164): n for n in found}
    return next(iter(unique.values())) if len(unique) == 1 else None


def parse_phone(raw: str, region: str) -> ParsedPhone:
    """Parse a number typed in national or international form, with the jurisdiction's region."""
    text = (raw or "").strip()
    if not text:
        raise PhoneError("Indiquez un numéro de téléphone.")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise PhoneError("Ce numéro de téléphone n'est pas lisible.") from error
    # A number is valid exactly when its type is known (is_valid_number matches the same
    # metadata): one match gives both the validity and whether it is a mobile.
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN and region in FRENCH_NUMBERING_PLAN:
        elsewhere = _elsewhere_in_france(text, region)
        if elsewhere:
            number, kind = elsewhere, phonenumbers.number_type(elsewhere)
    if not phonenumbers.is_possible_number(number):
        raise PhoneError("Ce numéro de téléphone est incomplet ou trop long.")
    if kind == PhoneNumberType.UNKNOWN:
        raise PhoneError("Ce numéro de téléphone n'existe pas.")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ParsedPhone(e164=e164, is_mobile=kind in MOBILE_TYPES)


def parse_mobile(raw: str, region: str) -> str:
    """E.164 of a mobile number, or PhoneError (landlines cannot receive SMS)."""
    parsed = parse_phone(raw, region)
    if not parsed.is_mobile:
        raise PhoneError(
            "Ce numéro est une ligne fixe : indiquez un portable pour que la personne reçoive "
            "ses SMS, ou cochez « pas de téléphone portable »."
        )
    return parsed.e164


def display_phone(e164: str, region: str = "FR") -> str:
    """The French writing of a stored number (tenants.phones.phone_display)."""
    return phone_display(e164, region)


def phone_search_candidates(raw: str, region: str) -> list[str]:
    """E.164 forms a search text may stand for (any common writing), or nothing."""
    digits = re.sub(r"[^\d+]", "", raw)
    if len(re.sub(r"\D", "", digits)) < 8:
        return []
    try:
        return [parse_phone(digits, region).e164]
    except PhoneError:
        return []
