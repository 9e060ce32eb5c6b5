"""The pages of the information site: content, readable addresses, no cookie, cache, sitemap."""

import re
from unittest.mock import patch

import pytest
from django.test import Client

from shared.public_site import cache as page_cache
from shared.public_site.cache import bump_version
from shared.public_site.constants import PageCategory, SectionKind
from tests.auth import sign_in
from tests.factories import UserFactory

from .factories import InfoPageFactory, PartnerFactory, SectionFactory, ServicePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    bump_version()  # a fresh cache namespace for each test
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def site(db):
    service = ServicePageFactory(slug="spip-92-nanterre", name="SPIP des Hauts-de-Seine — Nanterre")
    measure = InfoPageFactory(slug="sursis-probatoire", title="Le sursis probatoire")
    SectionFactory(
        page=measure,
        kind=SectionKind.LEGAL,
        heading="Ce que la loi prévoit",
        legal_text="La juridiction peut ordonner…",
        legal_reference="Article 132-40 du code pénal",
        body="<p>Le juge vous laisse libre, avec des règles.</p>",
    )
    SectionFactory(page=measure, heading="Combien de temps ?", body="<p>De 1 à 3 ans.</p>")
    SectionFactory(page=measure, kind=SectionKind.TIP, body="<p>Gardez vos justificatifs.</p>")
    SectionFactory(page=measure, kind=SectionKind.WARNING, body="<p>Sinon, prison.</p>")
    about = InfoPageFactory(slug="mentions-legales", title="Mentions légales", category="about")
    InfoPageFactory(slug="accueil", title="Suivi justice", category=PageCategory.HUB)
    partner = PartnerFactory(name="Mission locale de Nanterre (démo)", category="emploi")
    return {"service": service, "measure": measure, "about": about, "partner": partner}


def _page_urls(site):
    return [
        "/",
        "/preparer/",
        "/preparer/?q=92000",
        f"/preparer/{site['service'].slug}/",
        "/comprendre/",
        f"/comprendre/{site['measure'].slug}/",
        "/reinsertion/",
        "/reinsertion/?q=92000",
        "/reinsertion/92/",
        "/reinsertion/92/?theme=emploi",
        "/mentions-legales/",
    ]


def test_every_page_is_french_with_one_h1_and_sets_no_cookie(site, visitor):
    for url in _page_urls(site):
        response = visitor.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert '<html lang="fr"' in body, url
        assert len(re.findall(r"<h1[ >]", body)) == 1, url
        assert not response.cookies, f"{url} sets {list(response.cookies)}"
        assert "Set-Cookie" not in response.headers, url


def test_the_service_page_shows_the_address_the_map_link_and_the_questions(site, visitor):
    body = visitor.get("/preparer/spip-92-nanterre/").content.decode()
    assert "12 rue de l&#x27;Exemple" in body and "92000 Nanterre" in body
    assert "https://www.openstreetmap.org/?mlat=48.89200&amp;mlon=2.20700" in body
    for question in (
        "Que dois-je apporter ?",
        "Comment se passe l&#x27;entretien ?",
        "Que faire si je ne peux pas venir ?",
        "Ai-je besoin d&#x27;un avocat ?",
    ):
        assert question in body
    assert 'aria-controls="question-apporter"' in body
    assert "Votre convocation et une pièce d&#x27;identité." not in body  # rendered as HTML
    assert "Votre convocation et une pièce d'identité." in body
    assert 'href="/reinsertion/92/"' in body


def test_a_measure_page_keeps_the_legal_wording_apart_from_the_explanation(site, visitor):
    body = visitor.get("/comprendre/sursis-probatoire/").content.decode()
    plain = body.index("En mots simples")
    law = body.index("Ce que dit la loi")
    assert plain < body.index("Le juge vous laisse libre") < law
    assert law < body.index("La juridiction peut ordonner…") < body.index("Article 132-40")
    assert 'class="fr-accordion__btn"' in body and "Combien de temps ?" in body
    assert "fr-callout" in body and "fr-alert--warning" in body
    assert 'aria-current="page">Le sursis probatoire</a>' in body  # breadcrumb


def test_unknown_and_unpublished_pages_are_404_except_for_the_national_team(site, visitor):
    assert visitor.get("/preparer/inconnu/").status_code == 404
    assert visitor.get("/comprendre/mentions-legales/").status_code == 404  # wrong section
    assert visitor.get("/sursis-probatoire/").status_code == 404
    assert visitor.get("/reinsertion/99/").status_code == 404
    site["service"].published = False
    site["service"].save()
    bump_version()
    assert visitor.get("/preparer/spip-92-nanterre/").status_code == 404
    editor = Client(HTTP_HOST="localhost")
    sign_in(editor, UserFactory(national_team=True))
    preview = editor.get("/preparer/spip-92-nanterre/")
    assert preview.status_code == 200 and "cette fiche n'est pas publiée" in (
        preview.content.decode()
    )
    assert "X-Cache" not in preview.headers  # visitors with a session are never cached


def test_pages_are_cached_and_an_edit_shows_at_once(
    site, visitor, django_capture_on_commit_callbacks
):
    url = "/preparer/spip-92-nanterre/"
    assert visitor.get(url)["X-Cache"] == "miss"
    assert visitor.get(url)["X-Cache"] == "hit"
    service = site["service"]
    with django_capture_on_commit_callbacks(execute=True):
        service.what_to_bring = "<p>Apportez aussi votre dernier bulletin de salaire.</p>"
        service.save()
    response = visitor.get(url)
    assert response["X-Cache"] == "miss"
    assert "Apportez aussi votre dernier bulletin de salaire." in response.content.decode()
    # A partner, a section or a page: any edit drops the cached pages that could show it.
    assert visitor.get("/reinsertion/92/")["X-Cache"] == "miss"
    assert visitor.get("/reinsertion/92/")["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        site["partner"].delete()
    assert "Mission locale de Nanterre" not in visitor.get("/reinsertion/92/").content.decode()


def test_the_cache_is_dropped_only_once_the_edit_has_committed(site, visitor):
    url = "/preparer/spip-92-nanterre/"
    visitor.get(url)
    service = site["service"]
    service.name = "Nouveau nom"
    service.save()  # inside the test transaction: not committed, the version stays
    assert visitor.get(url)["X-Cache"] == "hit"


def test_a_new_release_does_not_serve_the_pages_of_the_previous_one(site, visitor):
    url = "/comprendre/"
    assert visitor.get(url)["X-Cache"] == "miss"
    assert visitor.get(url)["X-Cache"] == "hit"
    page_cache.code_fingerprint.cache_clear()
    try:  # another template: the fingerprint of the code that renders the pages changes
        with patch.object(page_cache, "RENDERING_FOLDERS", ("templates",)):
            assert visitor.get(url)["X-Cache"] == "miss"
            assert visitor.get(url)["X-Cache"] == "hit"
    finally:
        page_cache.code_fingerprint.cache_clear()
    assert visitor.get(url)["X-Cache"] == "hit"  # back to the release of the first pages


def test_the_finder_lists_the_services_of_the_postcode(site, visitor):
    ServicePageFactory(name="Autre département", departement="59", postcode="59000", city="Lille")
    body = visitor.get("/preparer/?q=92000").content.decode()
    assert "Services du département Hauts-de-Seine (92)" in body
    assert 'href="/preparer/spip-92-nanterre/"' in body
    assert "Autre département" not in body


def test_an_unknown_postcode_in_the_finder_gets_a_message_and_a_link(site, visitor):
    body = visitor.get("/preparer/?q=96000").content.decode()
    assert "Nous ne connaissons pas le code postal 96000." in body
    assert 'href="?departement=95"' in body


def test_a_departement_without_services_points_to_the_nearest_ones(site, visitor):
    body = visitor.get("/preparer/?q=78000").content.decode()
    assert "Nous n'avons pas encore de fiche pour les services de ce département." in body
    assert 'href="?departement=92"' in body


def test_the_directory_search_by_postcode_groups_partners_by_theme(site, visitor):
    PartnerFactory(name="Foyer d'accueil (démo)", category="logement")
    PartnerFactory(name="Lille seulement", departements=["59"], postcode="59000")
    body = visitor.get("/reinsertion/?q=92000").content.decode()
    assert "2 structures pour le département Hauts-de-Seine (92)." in body
    assert body.index("Emploi et formation") < body.index("Mission locale de Nanterre")
    assert body.index("<h2>Logement</h2>") < body.index("Foyer d&#x27;accueil")
    assert "Lille seulement" not in body
    only_housing = visitor.get("/reinsertion/92/?theme=logement").content.decode()
    assert "Mission locale" not in only_housing and "Foyer d&#x27;accueil" in only_housing


def test_the_directory_with_nothing_in_the_departement_suggests_the_nearest(site, visitor):
    body = visitor.get("/reinsertion/?q=78000").content.decode()
    assert "Nous ne connaissons pas encore de structure dans ce département." in body
    assert 'href="/reinsertion/92/"' in body


def test_sitemap_and_robots(site, visitor):
    sitemap = visitor.get("/sitemap.xml")
    assert sitemap.status_code == 200 and sitemap["Content-Type"].startswith("application/xml")
    body = sitemap.content.decode()
    for path in (
        "/preparer/spip-92-nanterre/",
        "/comprendre/sursis-probatoire/",
        "/mentions-legales/",
        "/reinsertion/92/",
        "/comprendre/",
    ):
        assert f"http://localhost{path}</loc>" in body
    robots = visitor.get("/robots.txt").content.decode()
    assert "Sitemap: http://localhost/sitemap.xml" in robots


def test_a_search_query_is_bounded_and_never_fails(site, visitor):
    for query in ("<script>alert(1)</script>", "x" * 5000, "'; DROP TABLE x; --", "%00"):
        response = visitor.get("/reinsertion/", {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_pages_are_served_when_redis_is_down(site, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    response = Client(HTTP_HOST="localhost").get("/preparer/spip-92-nanterre/")
    assert response.status_code == 200
    assert "SPIP des Hauts-de-Seine — Nanterre" in response.content.decode()
    assert "X-Cache" not in response.headers  # rendered without the cache
    bump_version()  # what runs after an edit commits: logged, never raised
