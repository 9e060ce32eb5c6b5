"""Error reports: nothing personal leaves, and a name can't be recognised by a pattern."""

import pytest
import sentry_sdk
from django.test import Client, override_settings
from django.urls import path
from sentry_sdk.transport import Transport

from saas_platform.sentry import FILTERED, before_send, sentry_options


def test_personal_data_is_scrubbed_from_events():
    event = {
        "user": {"email": "jean.dupont@exemple.test", "id": 3},
        "message": "Échec pour jean.dupont@exemple.test, tél. 06 12 34 56 78, né le 12/05/1980",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "numéro +33612345678 refusé",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "jurisdiction_apps/people/services.py",
                                "function": "create_person",
                                "vars": {
                                    "last_name": "DUPONT",
                                    "first_names": "Jean",
                                    "birth_date": "1980-05-12",
                                    "phone": "+33612345678",
                                    "count": 3,
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "request": {"headers": {"Cookie": "sessionid=abc"}, "url": "http://alpha.localhost/x/"},
        "tags": {"jurisdiction": "j_alpha"},
    }
    scrubbed = before_send(event)
    text = repr(scrubbed)
    for secret in ("jean.dupont", "DUPONT", "Jean", "1980", "612345678", "06 12", "sessionid"):
        assert secret not in text, secret
    exception = scrubbed["exception"]["values"][0]
    frame = exception["stacktrace"]["frames"][0]
    assert frame["filename"] == "jurisdiction_apps/people/services.py"
    assert "vars" not in frame  # never collected, and dropped if they were
    assert exception["type"] == "ValueError"
    assert exception["value"] == FILTERED
    assert "user" not in scrubbed
    assert scrubbed["tags"] == {"jurisdiction": "j_alpha"}


# --- A real event through sentry_sdk (issue 16) -----------------------------------------------


class CapturingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes: list[bytes] = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope.serialize())

    def flush(self, timeout, callback=None):
        pass

    def kill(self):
        pass


def lookup_person(query: str):
    person = "MARTIN Sophie"  # a local variable holding a name
    raise LookupError(f"Aucun dossier pour {person} ({query})")


def failing_view(request):
    lookup_person(request.GET["q"])


urlpatterns = [path("recherche/", failing_view)]


@pytest.fixture
def captured():
    transport = CapturingTransport()
    options = sentry_options("http://public@127.0.0.1/1", "test")
    sentry_sdk.init(transport=transport, **options)
    try:
        yield transport
    finally:
        sentry_sdk.flush()
        sentry_sdk.init(dsn=None)  # later tests report nothing


def _assert_nothing_personal(transport):
    assert transport.envelopes, "no event was sent"
    text = b"\n".join(transport.envelopes).decode()
    for secret in ("MARTIN", "Martin", "Sophie", "SOPHIE", "q=", "csrftoken", "sessionid"):
        assert secret not in text, secret
    return text


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_request_error_sends_no_name_from_locals_url_or_message(captured, alpha):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "nothing-to-see"
    response = client.get(
        "/recherche/?q=Martin+Sophie",
        HTTP_HOST="alpha.localhost",
        HTTP_REFERER="http://alpha.localhost/?nom=Martin",
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    text = _assert_nothing_personal(captured)
    assert "LookupError" in text  # the type stays
    assert "/recherche/" in text  # the URL without its query string


def test_a_captured_exception_sends_no_name(captured):
    try:
        lookup_person("Martin Sophie")
    except LookupError:
        sentry_sdk.capture_exception()
    sentry_sdk.add_breadcrumb(message="ouvert le dossier de MARTIN Sophie", category="app")
    sentry_sdk.capture_message("échec")
    sentry_sdk.flush()
    text = _assert_nothing_personal(captured)
    assert "LookupError" in text
