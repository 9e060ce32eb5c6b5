"""Phones (issue 17, point 3): on a 320 px and a 375 px screen every layout (the agents'
back-office, the portal of the people followed, the officers' onboarding, the national console,
the public site) fits the width, shows the DSFR header's menu button, and the menu holds the
sign-out button of the signed-in layouts; axe is clean at 320 px. At 1280 px the ministry's logo
reads whole. The `page` fixture fails each test on any console error of the browser."""

import re

import pytest
from playwright.sync_api import expect

from shared.public_site.cache import bump_version
from tenants.constants import Role
from tests.e2e.axe import assert_accessible
from tests.e2e.portal import open_portal_session
from tests.e2e.signing import sign_in_through_pages
from tests.factories import MembershipFactory, UserFactory
from tests.portal.helpers import make_mobile_person

pytestmark = pytest.mark.e2e

PHONES = (320, 375)
HEIGHT = 640

# The right edge of the element that reaches furthest right, for a readable failure.
_WIDEST = """
() => {
  let widest = {right: 0, what: ""};
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > widest.right) {
      const name = element.tagName.toLowerCase()
        + (element.id ? "#" + element.id : "")
        + (element.classList.length ? "." + [...element.classList].join(".") : "");
      widest = {right: Math.round(box.right), what: name};
    }
  }
  return widest;
}
"""


# The links and buttons of the opened menu that end beyond the screen or are cut inside.
_CUT_IN_MENU = """
(menu, width) => [...menu.querySelectorAll("a, button")]
  .filter((e) => e.getBoundingClientRect().right > width || e.scrollWidth > e.clientWidth)
  .map((e) => e.textContent.trim())
"""


def _assert_fits(page, width: int, where: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    widest = page.evaluate(_WIDEST)
    print(
        f"{where} at {width} px: scrollWidth {scroll}, widest {widest['right']} ({widest['what']})"
    )
    assert scroll <= width, (
        f"{where} scrolls sideways at {width} px: {scroll} px wide, "
        f"widest element {widest['what']} ends at {widest['right']} px"
    )


def _open_menu(page):
    """Open the header's menu (the DSFR modal) with its button; returns the opened menu."""
    button = page.locator(".fr-header__navbar .fr-btn--menu")
    expect(button).to_be_visible()
    expect(button).to_have_text(re.compile(r"^\s*Menu\s*$"))
    menu = page.locator("#" + button.get_attribute("aria-controls"))
    expect(menu).to_have_class(re.compile(r"\bfr-modal\b"))
    expect(menu).to_be_hidden()
    button.click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("button", name="Fermer")).to_be_visible()
    width = page.viewport_size["width"]
    cut = menu.evaluate(_CUT_IN_MENU, width)
    assert cut == [], f"cut at the right edge of the menu at {width} px: {cut}"
    return menu


@pytest.fixture(autouse=True)
def _fresh_public_pages():
    """The public site's page cache (Redis) may hold pages rendered by an older layout."""
    bump_version()


def _phone(page, width):
    page.set_viewport_size({"width": width, "height": HEIGHT})


@pytest.mark.parametrize("width", PHONES)
def test_an_agent_signs_out_from_a_phone(page, live_url, committed_db, width):
    alpha = committed_db["alpha"]
    cpip = MembershipFactory(jurisdiction=alpha, role=Role.CPIP).user
    base = live_url.format(host="alpha.localhost")
    _phone(page, width)
    sign_in_through_pages(page, base + "/", cpip)
    expect(page).to_have_url(base + "/tableau-de-bord/")
    _assert_fits(page, width, "agent home")
    if width == min(PHONES):
        assert_accessible(page, context=f"agent home at {width} px")
    menu = _open_menu(page)
    expect(menu.get_by_role("link", name="Personnes suivies")).to_be_visible()
    if width == min(PHONES):
        assert_accessible(page, context=f"agent home at {width} px, menu open")
    menu.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_label("Adresse électronique professionnelle")).to_be_visible()
    page.goto(base + "/tableau-de-bord/")
    expect(page.get_by_label("Adresse électronique professionnelle")).to_be_visible()
    assert "/tableau-de-bord/" not in page.url or "next=" in page.url


@pytest.mark.parametrize("width", PHONES)
def test_a_person_signs_out_of_the_portal_from_a_phone(page, live_url, committed_db, width):
    alpha = committed_db["alpha"]
    person = make_mobile_person(alpha, last_name="DURAND", first_names="Paul")
    base = open_portal_session(page, live_url, alpha, person)
    _phone(page, width)
    page.goto(base + "/mon-espace/")
    expect(page.locator("h1")).to_have_text("Mes rendez-vous")
    _assert_fits(page, width, "portal home")
    if width == min(PHONES):
        assert_accessible(page, context=f"portal home at {width} px")
    menu = _open_menu(page)
    expect(menu.get_by_role("link", name="Mes demandes")).to_be_visible()
    if width == min(PHONES):
        assert_accessible(page, context=f"portal home at {width} px, menu open")
    menu.get_by_role("button", name="Me déconnecter").click()
    expect(page).to_have_url(base + "/mon-espace/connexion/")
    expect(page.locator(".fr-alert--success")).to_contain_text("Vous êtes déconnecté")
    page.goto(base + "/mon-espace/")
    expect(page).to_have_url(re.compile(r"/mon-espace/connexion/"))


def test_a_person_signs_out_of_the_portal_from_a_phone_without_javascript(
    browser, live_url, committed_db
):
    """Without scripts the menu is no modal: it shows under the header with "Me déconnecter"."""
    alpha = committed_db["alpha"]
    person = make_mobile_person(alpha, last_name="DURAND", first_names="Paul")
    context = browser.new_context(
        locale="fr-FR", java_script_enabled=False, viewport={"width": 320, "height": HEIGHT}
    )
    page = context.new_page()
    try:
        base = open_portal_session(page, live_url, alpha, person)
        page.goto(base + "/mon-espace/")
        _assert_fits(page, 320, "portal home without JavaScript")
        expect(page.get_by_role("link", name="Mes demandes")).to_be_visible()
        page.get_by_role("button", name="Me déconnecter").click()
        expect(page).to_have_url(base + "/mon-espace/connexion/")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("who", "path", "heading"),
    [
        ("deployment_officer", "/deploiement/", "Déploiement des juridictions"),
        ("national_team", "/console/", "Console nationale"),
    ],
)
@pytest.mark.parametrize("width", PHONES)
def test_officers_and_the_national_team_sign_out_from_a_phone(
    page, live_url, committed_db, width, who, path, heading
):
    user = UserFactory(**{who: True})
    base = live_url.format(host="localhost")
    _phone(page, width)
    sign_in_through_pages(page, base + "/comptes/login/", user)
    page.goto(base + path)
    expect(page.locator("h1")).to_contain_text(heading)
    _assert_fits(page, width, path)
    if width == min(PHONES):
        assert_accessible(page, context=f"{path} at {width} px")
    menu = _open_menu(page)
    menu.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(base + "/")
    page.goto(base + path)
    expect(page.get_by_label("Adresse électronique professionnelle")).to_be_visible()


@pytest.mark.parametrize("width", PHONES)
def test_the_public_site_on_a_phone(page, live_url, committed_db, width):
    base = live_url.format(host="localhost")
    _phone(page, width)
    page.goto(base + "/")
    _assert_fits(page, width, "public home")
    if width == min(PHONES):
        assert_accessible(page, context=f"public home at {width} px")
    menu = _open_menu(page)
    expect(menu.get_by_role("link", name="Préparer ma convocation")).to_be_visible()
    expect(menu.get_by_role("link", name="Se connecter")).to_be_visible()
    if width == min(PHONES):
        assert_accessible(page, context=f"public home at {width} px, menu open")


_LOGO_BOXES = """
(logo) => {
  const frame = logo.closest(".fr-header__brand-top").getBoundingClientRect();
  const box = logo.getBoundingClientRect();
  return {
    logo: [Math.round(box.left), Math.round(box.right)],
    frame: [Math.round(frame.left), Math.round(frame.right)],
    scroll: [logo.scrollWidth, logo.clientWidth],
  };
}
"""


@pytest.mark.parametrize("width", (1280, 1024))
def test_the_logo_reads_whole_on_a_wide_screen(page, live_url, committed_db, width):
    """DSFR clips the header's brand (overflow: hidden): with the longest row of header buttons
    (a local admin's), the logo must still fit in it."""
    alpha = committed_db["alpha"]
    admin = MembershipFactory(jurisdiction=alpha, role=Role.LOCAL_ADMIN).user
    person = make_mobile_person(alpha, last_name="DURAND", first_names="Paul")
    portal = open_portal_session(page, live_url, alpha, person)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_through_pages(page, portal + "/", admin)
    for url in (
        live_url.format(host="localhost") + "/",
        live_url.format(host="alpha.localhost") + "/tableau-de-bord/",
        portal + "/mon-espace/",
    ):
        page.goto(url)
        logo = page.locator(".fr-header__logo .fr-logo")
        expect(logo).to_have_text(re.compile(r"^\s*Ministère\s*de la Justice\s*$"))
        boxes = logo.evaluate(_LOGO_BOXES)
        print(f"logo on {url} at {width} px: {boxes}")
        assert boxes["scroll"][0] <= boxes["scroll"][1], f"the logo overflows on {url}: {boxes}"
        assert boxes["frame"][0] <= boxes["logo"][0] and boxes["logo"][1] <= boxes["frame"][1], (
            f"the logo is clipped by the header's brand on {url}: {boxes}"
        )
        _assert_fits(page, width, url)
        expect(page.locator(".fr-header__navbar .fr-btn--menu")).to_be_hidden()
