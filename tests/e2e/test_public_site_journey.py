"""Browser journey of the information site, with the seed content: find a demo place's service
by postcode, read "what to bring", read a measure, search the directory; an editor changes the
service page and visitors see it at once. axe-core runs on every kind of page, and the pages
read in full without JavaScript."""

import pytest
from playwright.sync_api import expect

from demo.public_site import seed_demo_content
from shared.public_site.cache import bump_version
from shared.public_site.seed import seed_national_content
from tests.e2e.axe import assert_accessible
from tests.e2e.signing import sign_in_through_pages
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(committed_db):
    seed_national_content()
    seed_demo_content()
    bump_version()
    return committed_db


def test_a_visitor_prepares_a_convocation_and_an_editor_changes_the_page(
    page, live_url, seeded, browser
):
    base = live_url.format(host="localhost")
    page.goto(base + "/")
    assert_accessible(page, context="home")
    page.get_by_label("Trouver mon service : code postal, commune ou département").fill("92000")
    page.get_by_role("button", name="Rechercher").first.click()
    expect(
        page.locator("h2", has_text="Services du département Hauts-de-Seine (92)")
    ).to_be_visible()
    assert_accessible(page, context="finder results")

    page.get_by_role("link", name="SPIP des Hauts-de-Seine — antenne de Nanterre").click()
    expect(page).to_have_url(base + "/preparer/spip-92-nanterre/")
    expect(page.locator("h1")).to_have_text("SPIP des Hauts-de-Seine — antenne de Nanterre")
    answer = page.locator("#question-apporter")
    expect(answer).to_be_hidden()
    page.get_by_role("button", name="Que dois-je apporter ?").click()
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("convocation")
    assert_accessible(page, context="service page")

    page.get_by_role("link", name="Comprendre ma peine").first.click()
    assert_accessible(page, context="understand index")
    page.get_by_role("link", name="Le sursis probatoire").click()
    expect(page).to_have_url(base + "/comprendre/sursis-probatoire/")
    expect(page.get_by_text("Ce que dit la loi").first).to_be_visible()
    assert_accessible(page, context="measure page")

    page.get_by_role("link", name="Investir ma réinsertion").first.click()
    page.get_by_label("Code postal, commune ou département").fill("59000")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("status").filter(has_text="département Nord (59)")).to_be_visible()
    assert_accessible(page, context="directory results")
    page.goto(base + "/reinsertion/?q=96000")
    expect(page.get_by_text("Nous ne connaissons pas le code postal 96000.")).to_be_visible()
    assert_accessible(page, context="unknown postcode")
    for path in ("/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"):
        page.goto(base + path)
        assert_accessible(page, context=path)
    assert not page.context.cookies()  # no cookie at all for a visitor

    # An editor of the national team changes the service page in the editor.
    editor = UserFactory(national_team=True)
    editor_context = browser.new_context(locale="fr-FR")
    editor_page = editor_context.new_page()
    sign_in_through_pages(editor_page, base + "/comptes/login/", editor)
    editor_page.goto(base + "/admin/public_site/servicepage/")
    editor_page.get_by_role("link", name="SPIP des Hauts-de-Seine — antenne de Nanterre").click()
    editor_page.locator("#id_what_to_bring").fill(
        "Votre convocation, une pièce d'identité et votre carte Vitale."
    )
    editor_page.get_by_role("button", name="Enregistrer", exact=True).first.click()
    expect(editor_page.locator(".messagelist")).to_contain_text("a été modifié")
    editor_context.close()

    page.goto(base + "/preparer/spip-92-nanterre/")
    page.get_by_role("button", name="Que dois-je apporter ?").click()
    expect(page.locator("#question-apporter")).to_contain_text("votre carte Vitale")


def test_pages_read_in_full_without_javascript(browser, live_url, seeded):
    base = live_url.format(host="localhost")
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/preparer/spip-92-nanterre/")
    expect(page.locator("#question-apporter")).to_be_visible()
    expect(page.locator("#question-avocat")).to_be_visible()
    page.goto(base + "/comprendre/sursis-probatoire/")
    expect(page.locator(".fr-accordion .fr-collapse").first).to_be_visible()
    page.goto(base + "/reinsertion/?q=92000")
    expect(page.get_by_role("status").filter(has_text="Hauts-de-Seine (92)")).to_be_visible()
    context.close()


def test_small_phone_screen(browser, live_url, seeded):
    base = live_url.format(host="localhost")
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.goto(base + "/preparer/spip-92-nanterre/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a small phone ({width} px)"
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Investir ma réinsertion")).to_be_visible()
    assert_accessible(page, context="service page on a small phone")
    context.close()
