"""Editing the branding of an existing jurisdiction from its checklist: banner name, colour, logo
replaced or removed, the same checks as the creation form, an event, officers only."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onboarding.creation import preparation
from shared.accounts.constants import NationalRole
from tenants.constants import Role
from tenants.models import Jurisdiction, JurisdictionEvent
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.images import JPEG, PNG

pytestmark = pytest.mark.django_db

URL = "/deploiement/juridictions/gamma/identite-visuelle/"
CHECKLIST = "/deploiement/juridictions/gamma/"


@pytest.fixture
def officer():
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(deployment_officer=True))
    return client


def _forget_media_root():
    # TenantFileSystemStorage caches MEDIA_ROOT and ignores changes to it.
    storages["default"].__dict__.pop("relative_media_root", None)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _forget_media_root()
    yield tmp_path
    _forget_media_root()


def _post(client, logo=None, **changes):
    data = {"brand_name": "", "primary_colour": "#000091", **changes}
    if logo is not None:
        data["logo"] = logo
    return client.post(URL, data)


def _with_logo(jurisdiction, content=PNG, ext="png"):
    preparation.save_logo(jurisdiction, ext, content)
    jurisdiction.save(update_fields=["logo"])
    return jurisdiction.logo.name


def _fields(jurisdiction):
    jurisdiction.refresh_from_db()
    return jurisdiction.brand_name, jurisdiction.primary_colour, jurisdiction.logo.name


def _events(jurisdiction):
    return JurisdictionEvent.objects.filter(
        jurisdiction=jurisdiction, kind=JurisdictionEvent.Kind.BRANDING_CHANGED
    )


def test_the_checklist_links_to_the_branding_page(officer, gamma):
    page = officer.get(CHECKLIST).content.decode()
    assert f'href="{URL}">Modifier l\'identité visuelle</a>' in page
    form = officer.get(URL)
    assert form.status_code == 200
    assert 'value="#000091"' in form.content.decode()


def test_the_colour_and_banner_name_change(officer, gamma):
    response = _post(officer, primary_colour="#18753C", brand_name="Justice Gamma")
    assert response.status_code == 302 and response["Location"] == CHECKLIST
    assert _fields(gamma)[:2] == ("Justice Gamma", "#18753c")
    assert gamma.display_name == "Justice Gamma"
    event = _events(gamma).get()
    assert event.details["primary_colour"] == {"from": "#000091", "to": "#18753c"}
    assert event.actor.national_role == NationalRole.DEPLOYMENT_OFFICER
    page = officer.get(CHECKLIST).content.decode()
    assert "Identité visuelle enregistrée." in page
    home = Client(HTTP_HOST="gamma.localhost").get("/").content.decode()
    assert "--jurisdiction-colour: #18753c" in home
    assert "Justice Gamma" in home


def test_the_logo_is_replaced_and_the_header_shows_it(
    officer, gamma, media, django_capture_on_commit_callbacks
):
    old = _with_logo(gamma)
    assert (media / "j_gamma" / old).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(officer, logo=SimpleUploadedFile("nouveau.jpg", JPEG, "image/jpeg"))

    assert response.status_code == 302
    new = _fields(gamma)[2]
    assert new != old and new.startswith("branding/logo-") and new.endswith(".jpg")
    assert (media / "j_gamma" / new).read_bytes() == JPEG
    assert not (media / "j_gamma" / old).exists()  # the replaced file is deleted
    assert _events(gamma).get().details["logo"] == {"from": old, "to": new}
    home = Client(HTTP_HOST="gamma.localhost").get("/").content.decode()
    assert f"/media/j_gamma/{new}" in home and old not in home


def test_the_logo_is_removed(officer, gamma, media, django_capture_on_commit_callbacks):
    old = _with_logo(gamma)
    assert (media / "j_gamma" / old).exists()
    assert "Retirer le logo actuel" in officer.get(URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(officer, remove_logo="on")

    assert response.status_code == 302
    assert _fields(gamma)[2] == ""
    assert not (media / "j_gamma" / old).exists()
    assert _events(gamma).get().details["logo"] == {"from": old, "to": ""}
    home = Client(HTTP_HOST="gamma.localhost").get("/").content.decode()
    assert "platform-logo" not in home


def test_replacing_and_removing_at_once_is_refused(officer, gamma, media):
    old = _with_logo(gamma)
    response = _post(officer, remove_logo="on", logo=SimpleUploadedFile("l.png", PNG))
    assert response.status_code == 400
    assert "remplacer le logo ou le retirer, pas les deux" in response.content.decode()
    assert _fields(gamma)[2] == old
    assert not _events(gamma).exists()


def test_nothing_changed_records_nothing(officer, gamma):
    response = _post(officer)
    assert response.status_code == 302
    assert not _events(gamma).exists()
    assert "aucune modification" in officer.get(CHECKLIST).content.decode()


def test_a_bad_colour_is_refused_in_french_and_changes_nothing(officer, gamma):
    before = _fields(gamma)
    response = _post(officer, primary_colour="bleu", brand_name="Autre nom")
    assert response.status_code == 400
    page = response.content.decode()
    assert "La couleur s&#x27;écrit en hexadécimal, par exemple #000091." in page
    assert _fields(gamma) == before
    assert not _events(gamma).exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"%PDF-1.4 not an image",
            "logo.png",
            "Le logo doit être une image PNG, JPEG, WebP ou SVG.",
        ),
        (PNG + b"\x00" * (2 * 1024 * 1024), "logo.png", "Le logo dépasse 1 Mo : réduisez-le."),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "Ce SVG contient un script, un lien actif ou un élément non autorisé.",
        ),
    ],
    ids=["pdf-renamed-png", "2-mb", "svg-with-script"],
)
def test_a_bad_logo_is_refused_in_french_and_changes_nothing(
    officer, gamma, media, content, name, message
):
    old = _with_logo(gamma)
    before = _fields(gamma)
    response = _post(
        officer, primary_colour="#18753C", logo=SimpleUploadedFile(name, content, "image/png")
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _fields(gamma) == before
    assert sorted(p.name for p in (media / "j_gamma" / "branding").iterdir()) == [
        old.split("/")[-1]
    ]
    assert not _events(gamma).exists()


def test_an_unknown_jurisdiction_is_not_found(officer):
    assert officer.get("/deploiement/juridictions/inconnue/identite-visuelle/").status_code == 404


def test_only_deployment_officers_edit_the_branding(gamma):
    before = _fields(gamma)
    anonymous = Client(HTTP_HOST="localhost").get(URL)
    assert anonymous.status_code == 302 and "/comptes/login/" in anonymous["Location"]

    agent = Client(HTTP_HOST="localhost")
    sign_in(agent, MembershipFactory(jurisdiction=gamma, role=Role.LOCAL_ADMIN).user)
    assert agent.get(URL).status_code == 403
    assert agent.post(URL, {"primary_colour": "#ff0000"}).status_code == 403

    national = Client(HTTP_HOST="localhost")
    sign_in(national, UserFactory(national_team=True))
    assert national.get(URL).status_code == 403
    assert national.post(URL, {"primary_colour": "#ff0000"}).status_code == 403
    assert "identite-visuelle" not in national.get(CHECKLIST).content.decode()

    assert _fields(gamma) == before
    assert not Jurisdiction.objects.filter(primary_colour="#ff0000").exists()


def test_the_page_answers_only_on_the_public_host(gamma):
    client = Client(HTTP_HOST="gamma.localhost")
    sign_in(client, UserFactory(deployment_officer=True))
    assert client.get(URL).status_code != 200
