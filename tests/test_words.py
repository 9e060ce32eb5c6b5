"""Words and numbers on every page: the rendered pages of every kind of user, read as a person
reads them (visible text only), hold no raw IANA time zone, no E.164 number, no hex colour, no
"(s)"/"(e)" writing and no gendered "née le". Plus the units of the helpers behind them.

The pages are crawled from each user's home by following the links of each page (same host, GET
only), on realistic data: the demo's back office and portal seeded in the Réunion test
jurisdiction (places with a phone, people with a mobile), a service page of the public site with
a phone, the national console and statistics, the deployment officer's pages.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from demo.backoffice import seed_backoffice
from demo.portal import DEMO_PHONE, seed_portal
from jurisdiction_apps.people.models import Person
from shared.public_site.models import InfoPage
from shared.public_site.seed import seed_national_content
from shared.sms_texts.encoding import GSM7, UCS2, measure, normalise_lookalikes
from shared.sms_texts.templating import render, with_stop_line
from tenants.constants import Role
from tenants.phones import phone_display, phone_tel
from tenants.time_zones import time_zone_choices, time_zone_label
from tenants.words import as_role, role_phrase
from tests.auth import sign_in
from tests.factories import MembershipFactory, UserFactory, bind_session
from tests.people.helpers import host
from tests.portal.helpers import person_client
from tests.public_site.factories import ServicePageFactory

FORBIDDEN = {
    "un nom IANA de fuseau horaire": re.compile(
        r"\b(?:Europe|America|Indian|Pacific|Atlantic|Africa|Asia|Australia)/[A-Z][A-Za-z_]+"
    ),
    "un numéro au format E.164": re.compile(r"\+\d{8,15}\b"),
    "une couleur hexadécimale": re.compile(r"#[0-9a-fA-F]{6}\b"),
    "un pluriel « (s) »": re.compile(r"\w\(s\)"),
    "un féminin « (e) »": re.compile(r"\w\(e\)"),
    "« née le » ou « né le »": re.compile(r"\bnée? le\b", re.IGNORECASE),
}
SKIPPED_PATHS = re.compile(
    r"deconnexion|logout|\.csv|\.ics|\.xml|\.txt|export|/admin/|/static/|/media/|/comptes/|"
    r"calendrier/|/fichier|telecharger|/stop/"
)
MAX_PAGES = 120


class VisibleText(HTMLParser):
    """The text a person sees: no script, style or template content, no attribute."""

    HIDDEN = {"script", "style", "template", "noscript", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def read(body: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(body)
    parser.close()
    return parser


def faults_of(text: str) -> list[str]:
    found = []
    for what, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            found.append(f"{what} : « …{text[start : match.end() + 40]}… »")
    return found


def jargon_faults(text: str) -> list[str]:
    """On the public site, "CPIP" is spelled out the first time a page uses it."""
    first = text.find("CPIP")
    if first < 0 or text[first - 1 : first + 5] == "(CPIP)":
        return []
    return [f"« CPIP » sans explication : « …{text[max(first - 60, 0) : first + 10]}… »"]


def crawl(
    client: Client, start: list[str], host_name: str, *, public: bool = False
) -> tuple[dict[str, list[str]], int]:
    """Faults per page, from ``start`` following the links of the same host (path only)."""
    queue, seen, faults, pages = list(start), set(), {}, 0
    while queue and pages < MAX_PAGES:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", path)  # one person, one appointment... of each kind of page
        if kind in seen:
            continue
        seen.add(kind)
        response = client.get(path)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.insert(0, urlsplit(response["Location"]).path)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        page = read(response.content.decode())
        found = faults_of(page.text) + (jargon_faults(page.text) if public else [])
        if found:
            faults[path] = found
        for href in page.links:
            target = urlsplit(urljoin(f"http://{host_name}{path}", href))
            if target.scheme not in ("http", "https") or target.hostname != host_name:
                continue
            if SKIPPED_PATHS.search(target.path) or re.sub(r"\d+", "N", target.path) in seen:
                continue
            queue.append(target.path)
    return faults, pages


def agent(jurisdiction, role, **user_fields) -> Client:
    membership = MembershipFactory(
        jurisdiction=jurisdiction, role=role, **{f"user__{k}": v for k, v in user_fields.items()}
    )
    client = Client(HTTP_HOST=host(jurisdiction))
    sign_in(client, membership.user)
    bind_session(client, host(jurisdiction))
    client.user = membership.user
    return client


@pytest.fixture
def reunion(beta):
    """The Réunion test jurisdiction with the demo's back office and portal (places with a
    phone, people with a Réunion mobile, appointments, a portal thread)."""
    cpip = agent(beta, Role.CPIP, first_name="Hugo", last_name="Payet")
    with tenant_context(beta):
        seed_backoffice(beta, holders=[cpip.user], booker=cpip.user)
        seed_portal(beta)
    return beta, cpip


def assert_no_fault(faults: dict[str, list[str]], pages: int, minimum: int):
    assert pages >= minimum, f"only {pages} pages crawled"
    report = "\n".join(f"{path}\n  " + "\n  ".join(found) for path, found in faults.items())
    assert not faults, "Words or numbers to fix on rendered pages:\n" + report


def test_agents_pages_have_french_words_and_numbers(reunion):
    beta, cpip = reunion
    bex = agent(beta, Role.BEX, first_name="Inès", last_name="Grondin")
    manager = agent(beta, Role.LOCAL_ADMIN, first_name="Paul", last_name="Hoarau")
    for client in (cpip, bex, manager):
        faults, pages = crawl(client, ["/"], host(beta))
        assert_no_fault(faults, pages, minimum=5)
    home = bex.get("/", follow=True).content.decode()
    assert "agent du BEX" in home and "Agent du BEX" not in read(home).text


def test_portal_pages_have_french_words_and_numbers(reunion):
    beta, _ = reunion
    with tenant_context(beta):
        person = Person.objects.get(phone=DEMO_PHONE["RE"])
    client = person_client(beta, person)
    faults, pages = crawl(client, ["/mon-espace/"], host(beta))
    assert_no_fault(faults, pages, minimum=3)


def test_national_and_officer_pages_have_french_words_and_numbers(reunion):
    national = Client(HTTP_HOST="localhost")
    sign_in(national, UserFactory(national_team=True))
    faults, pages = crawl(
        national, ["/tableau-de-bord/", "/console/", "/statistiques/"], "localhost"
    )
    assert_no_fault(faults, pages, minimum=3)
    officer = Client(HTTP_HOST="localhost")
    sign_in(officer, UserFactory(deployment_officer=True))
    faults, pages = crawl(officer, ["/deploiement/"], "localhost")
    assert_no_fault(faults, pages, minimum=2)


def test_public_pages_have_french_words_and_numbers_and_lead_to_the_portal(reunion):
    ServicePageFactory(
        slug="spip-974-saint-denis",
        name="SPIP de La Réunion - antenne de Saint-Denis",
        departement="974",
        postcode="97400",
        city="Saint-Denis",
        phone="+262262123456",
        published=True,
    )
    seed_national_content()
    visitor = Client(HTTP_HOST="localhost")
    faults, pages = crawl(
        visitor,
        ["/", "/preparer/spip-974-saint-denis/", "/mon-espace/"]
        + [info.get_absolute_url() for info in InfoPage.objects.all()],
        "localhost",
        public=True,
    )
    assert_no_fault(faults, pages, minimum=20)
    service = visitor.get("/preparer/spip-974-saint-denis/").content.decode()
    assert 'href="tel:+262262123456">0262 12 34 56<' in service
    home = visitor.get("/").content.decode()
    assert 'href="/mon-espace/"' in home
    portal_list = visitor.get("/mon-espace/").content.decode()
    assert "http://beta.localhost" in portal_list and "/mon-espace/" in portal_list


# --- the helpers ------------------------------------------------------------------------------
def test_a_violation_is_found_in_visible_text_only():
    body = (
        '<p style="color: #000091">Appeler <a href="tel:+33610000001">06 10 00 00 01</a></p>'
        "<script>var zone = 'Indian/Reunion';</script>"
    )
    assert faults_of(read(body).text) == []
    assert len(faults_of(read("<td>+33610000001</td><td>Indian/Reunion</td>").text)) == 2
    assert faults_of("3 absence(s) ; né(e) le ; couleur #18753C")
    assert jargon_faults("Votre CPIP vous aide.") and not jargon_faults("probation (CPIP). CPIP")


@pytest.mark.parametrize(
    ("stored", "written", "link"),
    [
        ("+33610000001", "06 10 00 00 01", "tel:+33610000001"),
        ("+262692123456", "0692 12 34 56", "tel:+262692123456"),
        ("+262639123456", "0639 12 34 56", "tel:+262639123456"),  # Mayotte mobile
        ("+590690123456", "0690 12 34 56", "tel:+590690123456"),
        ("02 62 12 34 56", "0262 12 34 56", "tel:+262262123456"),  # typed on a public page
        ("01 99 00 12 34", "01 99 00 12 34", "tel:+33199001234"),
        ("+442079460958", "+44 20 7946 0958", "tel:+442079460958"),
        ("", "", ""),
        ("voir le courrier", "voir le courrier", ""),
    ],
)
def test_phones_are_written_the_french_way(stored, written, link):
    assert phone_display(stored) == written
    assert phone_tel(stored) == link


def test_time_zones_are_named_in_french():
    assert time_zone_label("Europe/Paris") == "heure de Paris"
    assert time_zone_label("Indian/Reunion") == "heure de La Réunion"
    assert time_zone_label("America/Cayenne") == "heure de la Guyane"
    assert time_zone_label("Asia/Tokyo") == "heure locale, UTC+9"  # Japan keeps no summer time
    assert time_zone_label("Pas/Un_Fuseau") == "heure locale"
    choices = dict(time_zone_choices())
    assert choices["Europe/Paris"] == "France métropolitaine (heure de Paris)"
    assert choices["Indian/Reunion"] == "La Réunion (heure de La Réunion, UTC+4)"


def test_roles_read_right_in_a_sentence():
    assert role_phrase(Role.BEX) == "agent du BEX"
    assert as_role(Role.BEX) == "en tant qu'agent du BEX"
    assert as_role(Role.GREFF_CRPC) == "en tant que greffier (CRPC)"
    assert as_role(Role.EDUCATOR) == "en tant qu'éducateur"
    assert role_phrase(Role.PROSECUTOR) == "membre du parquet"


def test_lookalikes_become_gsm7_and_other_letters_stay():
    text = "SPIP — antenne « l’Île »\u00a0: 9h… – ça\u200b"
    assert normalise_lookalikes(text) == 'SPIP - antenne " l\'Île " : 9h... - ça'
    assert normalise_lookalikes("") == ""


def test_the_summon_sms_of_a_place_with_an_em_dash_costs_less_once_normalised():
    """The figures of issue 17: the demo's place name with an em dash made the summon UCS-2."""
    from shared.sms_texts.defaults import DEFAULT_TEXTS

    values = {
        "date": "mercredi 17 décembre",
        "heure": "14h30",
        "lieu": "SPIP des Hauts-de-Seine — antenne de Nanterre",
        "adresse": "12 rue de l'Exemple, 92000 Nanterre",
        "telephone": "01 99 00 12 34",
        "contact": "SPIP des Hauts-de-Seine",
        "lien": "http://localhost:8000/preparer/spip-92-nanterre/",
    }
    stop = "http://nanterre.localhost:8000/stop/AbCdEfGh2k/"
    sms = with_stop_line(render(DEFAULT_TEXTS["summon"], values), stop)
    before, after = measure(sms), measure(normalise_lookalikes(sms))
    assert (before.encoding, after.encoding) == (UCS2, GSM7)
    assert before.segments > after.segments
    assert (before.segments, after.segments) == (6, 3)
