"""Phone numbers in the national writing of the jurisdiction's region (SMS.md)."""

import pytest

from jurisdiction_apps.core.phones import PhoneError, parse_mobile, parse_phone


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "RE", "+33612345678"),
        ("0033612345678", "FR", "+33612345678"),
        # One national plan for France and its overseas departments: dialled from Nanterre,
        # 0692... is a Réunion mobile, 0690... a Guadeloupe one; from Saint-Denis, 06 12... is
        # metropolitan.
        ("0692 29 23 96", "FR", "+262692292396"),
        ("0690 12 34 56", "FR", "+590690123456"),
        ("06 12 34 56 78", "RE", "+33612345678"),
        ("0692 12 34 56", "RE", "+262692123456"),
    ],
)
def test_mobiles_in_national_writing(raw, region, e164):
    assert parse_mobile(raw, region) == e164


def test_a_landline_elsewhere_in_france_is_still_a_landline():
    parsed = parse_phone("0262 40 10 10", "FR")
    assert (parsed.e164, parsed.is_mobile) == ("+262262401010", False)
    with pytest.raises(PhoneError, match="ligne fixe"):
        parse_mobile("0262 40 10 10", "FR")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("07 12 34 56 78", "n'existe pas"),  # unallocated everywhere in the French plan
        ("01 23", "incomplet ou trop long"),
        ("abc", "pas lisible"),
        ("+1 692 12 34 56", "incomplet"),  # international: never re-read as French
    ],
)
def test_numbers_that_exist_nowhere_are_refused_in_french(raw, message):
    with pytest.raises(PhoneError, match=message):
        parse_phone(raw, "FR")


@pytest.mark.parametrize("appi", ["１２３４５６７８", "١٢٣٤٥٦٧٨", "12345678"])
def test_only_ascii_digits_make_an_appi_number(appi):
    from jurisdiction_apps.people.normalisation import is_valid_appi_number

    assert is_valid_appi_number(appi) is (appi == "12345678")
