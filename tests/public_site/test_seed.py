"""The seed content: every page the issue lists, valid, and never overwriting an edit."""

import pytest

from demo.public_site import seed_demo_content
from shared.public_site.constants import PageCategory, SectionKind
from shared.public_site.models import InfoPage, Partner, Section, ServicePage
from shared.public_site.seed import seed_national_content

pytestmark = pytest.mark.django_db

MEASURES = {
    "sursis-probatoire",
    "travail-interet-general",
    "suivi-socio-judiciaire",
    "stages",
    "jour-amende",
    "emprisonnement",
}
ADJUSTMENTS = {
    "detention-domicile-surveillance-electronique",
    "placement-exterieur",
    "semi-liberte",
    "liberation-conditionnelle",
    "fractionnement",
    "suspension",
}


def test_the_national_content_has_every_page_of_the_issue():
    assert seed_national_content() == InfoPage.objects.count()
    slugs = {
        category: set(InfoPage.objects.filter(category=category).values_list("slug", flat=True))
        for category in PageCategory.values
    }
    assert slugs["hub"] == {"accueil", "preparer", "comprendre", "reinsertion"}
    assert slugs["measure"] == MEASURES
    assert slugs["adjustment"] == ADJUSTMENTS
    assert slugs["obligations"] == {"obligations-generales", "obligations-particulieres"}
    assert slugs["roles"] == {"qui-fait-quoi"}
    assert slugs["about"] == {"mentions-legales", "donnees-personnelles", "accessibilite"}
    general = InfoPage.objects.get(slug="obligations-generales")
    assert general.sections.filter(kind=SectionKind.LEGAL).count() == 6
    # The legal wording is always kept apart, with its reference.
    legal = Section.objects.filter(kind=SectionKind.LEGAL)
    assert legal.exists() and not legal.filter(legal_reference="").exists()
    for slug in MEASURES | ADJUSTMENTS:
        assert InfoPage.objects.get(slug=slug).sections.filter(kind="question").exists(), slug


def test_seeding_again_creates_nothing_and_keeps_the_edits():
    seed_national_content()
    page = InfoPage.objects.get(slug="jour-amende")
    page.title = "Le jour-amende (relu par l'équipe nationale)"
    page.save()
    page.sections.first().delete()
    count = Section.objects.count()
    assert seed_national_content() == 0
    page.refresh_from_db()
    assert page.title == "Le jour-amende (relu par l'équipe nationale)"
    assert Section.objects.count() == count


def test_the_demo_content_covers_the_demo_places_and_every_theme_per_departement():
    assert seed_demo_content() == (8, Partner.objects.count())
    assert set(ServicePage.objects.values_list("departement", flat=True)) == {"92", "59", "974"}
    for code in ("92", "59", "974"):
        themes = set(Partner.objects.serving(code).values_list("category", flat=True))
        assert len(themes) == 6, code
    assert all(name.endswith("(démo)") for name in Partner.objects.values_list("name", flat=True))
    assert seed_demo_content() == (0, 0)
