import pytest
from django.core.exceptions import ValidationError

from shared.sms_texts.encoding import GSM7, UCS2, measure, normalise
from shared.sms_texts.templating import placeholders_in, render, validate_template

SAMPLE = {
    "date": "mardi 3 mars",
    "heure": "14h30",
    "lieu": "SPIP des Hauts-de-Seine, antenne de Nanterre",
    "adresse": "12 rue de l'Exemple, 92000 Nanterre",
    "telephone": "01 00 00 00 00",
    "contact": "votre conseillère",
    "lien": "https://justice.example/p/ab12",
}


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", GSM7, 0, 0),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),
        ("a" * 307, GSM7, 307, 3),
        ("Vous etes convoque(e) le 3 mars à 14h30", GSM7, 39, 1),
        ("é è ù ì ò à Ç É Ä Ö Ñ Ü ä ö ñ ü", GSM7, 31, 1),  # all in the GSM-7 basic table
        ("€" * 80, GSM7, 160, 1),  # extension table: two septets each
        ("Vous êtes convoqué(e)", UCS2, 21, 1),
        ("ê" * 70, UCS2, 70, 1),
        ("ê" * 71, UCS2, 71, 2),
        ("ê" * 135, UCS2, 135, 3),
    ],
)
def test_measure(text, encoding, units, segments):
    result = measure(text)
    assert (result.encoding, result.units, result.segments) == (encoding, units, segments)


def test_an_extension_character_is_never_split_across_parts():
    # 152 plain septets then "€" (2 septets): it cannot start in part one's last septet.
    assert measure("a" * 152 + "€" + "a" * 10).segments == 2
    # 306 septets would fit two parts of 153, but not with the euro sign kept whole.
    assert measure("a" * 152 + "€" + "a" * 152).segments == 3


def test_characters_forcing_ucs2_are_listed():
    text = "Vous êtes convoqué(e) à l’accueil – merci\u00a0!"
    assert measure(text).ucs2_characters == sorted({"ê", "’", "–", "\u00a0"})


def test_normalisation_keeps_french_readable_and_gets_back_to_gsm7():
    text = "Vous êtes convoqué(e) « à l’accueil » – ça commence\u202f: 9h… Cœur"
    fixed = normalise(text)
    assert fixed == 'Vous etes convoqué(e) " à l\'accueil " - ca commence : 9h... Coeur'
    assert measure(fixed).encoding == GSM7
    assert "é" in fixed and "à" in fixed  # GSM-7 letters are kept
    assert normalise("Rendez-vous 👍") == "Rendez-vous 👍"  # no sensible replacement: left


def test_placeholders_are_validated_and_rendered():
    text = "RDV le {date} à {heure} : {lieu}, {adresse}. Infos : {lien}"
    assert placeholders_in(text) == ["date", "heure", "lieu", "adresse", "lien"]
    validate_template(text, SAMPLE)
    assert render(text, SAMPLE).startswith("RDV le mardi 3 mars à 14h30 : SPIP des Hauts-de-Seine")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("RDV le {jour} à {heure}", "Champ inconnu : {jour}"),
        ("RDV le {date.__class__}", "Champ mal écrit"),
        ("RDV le {date!r}", "Champ mal écrit"),
        ("RDV le {date", "Accolade mal fermée"),
        ("   ", "vide"),
        ("{adresse} " * 40, "parties"),
    ],
)
def test_bad_templates_are_refused_in_french(text, message):
    with pytest.raises(ValidationError, match=message):
        validate_template(text, SAMPLE)
