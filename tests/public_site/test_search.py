"""Finding a service or help from a postcode, a commune or a département."""

import pytest

from shared.public_site.geography import departement_of_postcode, search_key
from shared.public_site.search import locate, partners_for

from .factories import PartnerFactory, ServicePageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("postcode", "code"),
    [
        ("92000", "92"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20136", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97400", "974"),
        ("97600", "976"),
        ("98800", "988"),
        ("96000", None),
        ("00100", None),
        ("97900", None),
        ("9200", None),
    ],
)
def test_the_departement_of_a_postcode(postcode, code):
    assert departement_of_postcode(postcode) == code


def test_a_postcode_finds_its_departement():
    location = locate(" 92000 ")
    assert location.found and location.departement.code == "92" and location.postcode == "92000"


@pytest.mark.parametrize(
    ("postcode", "nearest"),
    [("96000", "95 — Val-d'Oise"), ("00100", "01 — Ain"), ("98000", "978 — Saint-Martin")],
)
def test_an_unknown_postcode_gets_a_helpful_message_and_the_nearest_departement(postcode, nearest):
    code, name = nearest.split(" — ")
    location = locate(postcode)
    assert not location.found
    assert location.message == (
        f"Nous ne connaissons pas le code postal {postcode}. Vérifiez-le sur votre courrier. "
        f"Le département le plus proche de ce numéro est {name} ({code})."
    )
    assert [d.code for d in location.suggestions] == [code]


@pytest.mark.parametrize(
    ("query", "code"),
    [("92", "92"), ("974", "974"), ("2a", "2A"), ("5", "05"), ("hauts de seine", "92")],
)
def test_a_departement_by_its_number_or_its_name(query, code):
    location = locate(query)
    assert location.found and location.departement.code == code


def test_a_departement_name_with_or_without_accents_and_hyphens():
    assert locate("la reunion").departement.code == "974"
    assert locate("La Réunion").departement.code == "974"
    assert locate("Côtes-d'Armor").departement.code == "22"
    assert search_key("Saint-Étienne-du-Rouvray") == "SAINT ETIENNE DU ROUVRAY"


def test_a_commune_is_found_through_the_services_and_partners_there():
    ServicePageFactory(city="Nanterre", departement="92", postcode="92000")
    PartnerFactory(city="Douai", postcode="59500", departements=["59"])
    assert locate("nanterre").departement.code == "92"
    assert locate("DOUAI").departement.code == "59"
    unknown = locate("Trifouilly")
    assert not unknown.found
    assert unknown.message.startswith("Nous ne trouvons pas « Trifouilly ».")


def test_digits_that_are_neither_a_postcode_nor_a_departement():
    location = locate("9200")
    assert not location.found
    assert "ni un code postal (5 chiffres) ni un numéro de département" in location.message


def test_partners_of_the_departement_those_of_the_postcode_first():
    far = PartnerFactory(name="A — loin", postcode="92100", city="Boulogne-Billancourt")
    near = PartnerFactory(name="Z — proche", postcode="92000", city="Nanterre")
    PartnerFactory(name="Autre département", postcode="59000", departements=["59"])
    PartnerFactory(name="Non publiée", published=False)
    both = PartnerFactory(name="Deux départements", postcode="59000", departements=["59", "92"])
    rows = list(partners_for(locate("92000")))
    assert rows == [near, far, both]
