"""The national team's editor (Django admin of the public host): validation and sanitising on
save, who may edit, and the change visible at once on the site."""

import io

import pytest
from django.test import Client
from PIL import Image

from shared.public_site.cache import bump_version
from shared.public_site.models import InfoPage, Section, ServicePage
from tests.auth import sign_in
from tests.factories import UserFactory

from .factories import InfoPageFactory, ServicePageFactory

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = {
    "name": "SPIP des Hauts-de-Seine — Colombes",
    "slug": "spip-92-colombes",
    "kind": "spip",
    "departement": "92",
    "published": "on",
    "address": "5 rue de l'Exemple",
    "postcode": "92700",
    "city": "Colombes",
    "latitude": "48.92",
    "longitude": "2.25",
    "access": "",
    "transport": "",
    "reduced_mobility": "",
    "opening_hours": "",
    "phone": "",
    "email": "",
    "contact": "",
    "photo_alt": "",
    "what_to_bring": "Votre convocation.",
    "interview": "Un entretien.",
    "cannot_come": "Appelez-nous.",
    "lawyer": "Non.",
}


def _inline(prefix="sections", rows=()):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


@pytest.fixture
def editor():
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    return client


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 0, 145)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_national_team_sees_the_editor_and_agents_do_not(editor):
    assert editor.get("/admin/public_site/servicepage/").status_code == 200
    assert editor.get("/admin/public_site/infopage/add/").status_code == 200
    agent = Client(HTTP_HOST="localhost")
    sign_in(agent, UserFactory())
    assert agent.get("/admin/public_site/servicepage/").status_code == 302  # to the admin login
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True, is_staff=True))
    assert officer.get("/admin/public_site/servicepage/").status_code == 403


def test_a_page_with_sections_is_saved_sanitised(editor):
    response = editor.post(
        "/admin/public_site/infopage/add/",
        {
            "title": "Le travail d'intérêt général",
            "slug": "travail-interet-general",
            "category": "measure",
            "position": "2",
            "published": "on",
            "summary": "Un travail non payé, utile à tous.",
            "intro": '<p>Intro <a href="javascript:alert(1)">lien</a></p><script>x()</script>',
            **_inline(
                rows=[
                    {"position": "1", "kind": "text", "heading": "En bref", "body": "Texte"},
                    {
                        "position": "2",
                        "kind": "legal",
                        "heading": "",
                        "body": "<p onmouseover='x()'>Explication</p>",
                        "legal_text": "Le travail d'intérêt général est…",
                        "legal_reference": "Article 131-8 du code pénal",
                    },
                ]
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = InfoPage.objects.get(slug="travail-interet-general")
    assert page.intro == '<p>Intro <a rel="noopener noreferrer">lien</a></p>'
    assert [s.kind for s in page.sections.all()] == ["text", "legal"]
    assert page.sections.get(kind="legal").body == "<p>Explication</p>"


def test_a_clashing_slug_is_refused_and_nothing_is_saved(editor):
    InfoPageFactory(slug="semi-liberte", title="La semi-liberté", category="adjustment")
    response = editor.post(
        "/admin/public_site/infopage/add/",
        {
            "title": "Autre",
            "slug": "semi-liberte",
            "category": "adjustment",
            "position": "1",
            "summary": "",
            "intro": "",
            **_inline(rows=[{"position": "1", "kind": "tip", "body": "Conseil"}]),
        },
    )
    assert response.status_code == 200
    assert (
        "L&#x27;adresse « semi-liberte » est déjà celle de la page « La semi-liberté »."
        in response.content.decode()
    )
    assert InfoPage.objects.count() == 1 and Section.objects.count() == 0


def test_a_photo_without_alternative_text_is_refused_on_save(editor):
    photo = io.BytesIO(_png())
    photo.name = "facade.png"
    response = editor.post(
        "/admin/public_site/servicepage/add/", {**SERVICE_FIELDS, "photo": photo}
    )
    assert response.status_code == 200
    assert "Décrivez la photo dans « texte alternatif de la photo »" in response.content.decode()
    assert not ServicePage.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_as_photo(editor):
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "facade.png"
    response = editor.post(
        "/admin/public_site/servicepage/add/",
        {**SERVICE_FIELDS, "photo": fake, "photo_alt": "Façade"},
    )
    assert response.status_code == 200
    assert not ServicePage.objects.exists()


def test_an_edit_in_the_editor_shows_at_once_to_visitors(
    editor, django_capture_on_commit_callbacks
):
    bump_version()
    service = ServicePageFactory(slug="spip-92-colombes")
    visitor = Client(HTTP_HOST="localhost")
    visitor.get("/preparer/spip-92-colombes/")
    assert visitor.get("/preparer/spip-92-colombes/")["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/admin/public_site/servicepage/{service.pk}/change/",
            {**SERVICE_FIELDS, "what_to_bring": "Votre avis d'imposition."},
        )
    assert response.status_code == 302
    fresh = visitor.get("/preparer/spip-92-colombes/")
    assert fresh["X-Cache"] == "miss"
    assert "<p>Votre avis d'imposition.</p>" in fresh.content.decode()


def test_service_pages_are_unpublished_never_deleted(editor):
    service = ServicePageFactory()
    response = editor.post(f"/admin/public_site/servicepage/{service.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert ServicePage.objects.filter(pk=service.pk).exists()
