"""A local OpenID Connect provider (devtools/oidc_provider.py) in this process, on a free port,
that the ProConnect settings point at: the tests never reach the network."""

import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from devtools.oidc_provider import Provider

CLIENT_ID = "suivi-justice-test"
CLIENT_SECRET = "secret-de-test-proconnect"
PUBLIC_HOST = "localhost"


@pytest.fixture(scope="session")
def _provider_server():
    provider = Provider(port=0, client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start()
    yield provider
    provider.stop()


@pytest.fixture
def provider(_provider_server, settings):
    _provider_server.reset()
    settings.PROCONNECT_ENABLED = True
    settings.PROCONNECT_DISCOVERY_URL = _provider_server.discovery_url
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = CLIENT_SECRET
    settings.PROCONNECT_REDIRECT_URI = f"http://{PUBLIC_HOST}/proconnect/retour/"
    settings.PROCONNECT_POST_LOGOUT_REDIRECT_URI = (
        f"http://{PUBLIC_HOST}/proconnect/deconnexion/fin/"
    )
    settings.PROCONNECT_EMAIL_VERIFIED_WHEN_ABSENT = True
    settings.PROCONNECT_STRONG_ACR = ["eidas2", "eidas3"]
    return _provider_server


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def provider_get(url: str) -> urllib.response.addinfourl | urllib.error.HTTPError:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(url, timeout=10)
    except urllib.error.HTTPError as answer:  # 3xx and 4xx
        return answer


def at_provider(authorize_url: str, **choice) -> str:
    """The browser at the provider, choosing an account without the page: the provider's
    redirect back to the platform."""
    answer = provider_get(f"{authorize_url}&{urlencode(choice)}")
    assert answer.code == 302, answer.read().decode()
    return answer.headers["Location"]


class Flow:
    """One ProConnect sign-in driven like a browser: the public host's client (its own cookies),
    then the jurisdiction host's."""

    def __init__(self, host: str | None = "alpha.localhost"):
        self.host = host
        self.public = Client()
        self.agent = Client()
        self.authorize_url = ""
        self.callback_url = ""

    def start(self, next_path: str = ""):
        params = {"hote": self.host} if self.host else {}
        if next_path:
            params["next"] = next_path
        response = self.public.get("/proconnect/connexion/", params, HTTP_HOST=PUBLIC_HOST)
        assert response.status_code == 302, response.content.decode()
        self.authorize_url = response["Location"]
        return response

    def choose(self, email: str, **choice) -> str:
        location = at_provider(self.authorize_url, compte=email, **choice)
        parts = urlsplit(location)
        self.callback_url = f"{parts.path}?{parts.query}"
        return self.callback_url

    def callback(self, url: str | None = None):
        return self.public.get(url or self.callback_url, HTTP_HOST=PUBLIC_HOST)

    def relay(self, response):
        target = urlsplit(response["Location"])
        assert target.hostname == self.host
        assert target.path.startswith("/connexion/relais/proconnect/")
        return self.agent.get(target.path, HTTP_HOST=self.host)

    def sign_in(self, email: str, **choice):
        self.start()
        self.choose(email, **choice)
        response = self.callback()
        if self.host is None:
            return response
        assert response.status_code == 302, response.content.decode()
        return self.relay(response)
