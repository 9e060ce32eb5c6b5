"""The "ask for a transfer" screen (issue 19): a pull request from the duplicate warning."""

import html
from datetime import date

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.people.models import Person
from shared.person_index.models import Entry
from shared.transfers.constants import Direction, State
from shared.transfers.models import Transfer
from shared.transfers.views import NO_ENTRY, OWN_ENTRY, UNKNOWN_ENTRY
from tenants.constants import JurisdictionStatus, Role
from tenants.models import Jurisdiction
from tests.auth import sign_in
from tests.factories import MembershipFactory, bind_session

URL = "/transferts/demander/"
REASON = "La personne réside désormais dans notre ressort (nouvelle adresse)."


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_of(jurisdiction, role):
    membership = MembershipFactory(jurisdiction=jurisdiction, role=role)
    client = Client(HTTP_HOST=f"{jurisdiction.slug}.localhost")
    sign_in(client, membership.user)
    bind_session(client, f"{jurisdiction.slug}.localhost")
    client.user = membership.user
    return client


def followed_at(jurisdiction, **fields) -> Person:
    values = {
        "last_name": "LEROUX",
        "first_names": "Camille",
        "birth_date": date(1988, 3, 14),
        "phone": "",
        "no_mobile_phone": True,
        "city": "SAINT-DENIS",
        "appi_number": "202677778888",
    }
    values.update(fields)
    with tenant_context(jurisdiction):
        return Person.objects.create(**values)


def entry_of(jurisdiction, person) -> Entry:
    return Entry.objects.get(jurisdiction=jurisdiction, person_id=person.pk)


@pytest.fixture
def beta_contact(beta):
    Jurisdiction.objects.filter(pk=beta.pk).update(service_contact="Greffe SAP, 0262 00 00 00")


@pytest.fixture
def asker(alpha):
    return client_of(alpha, Role.DPIP)


@pytest.fixture
def entry(beta, beta_contact):
    return entry_of(beta, followed_at(beta))


def test_the_page_shows_the_other_service_and_its_contact_only(asker, entry):
    response = asker.get(f"{URL}?entry={entry.pk}")
    page = text(response)
    assert response.status_code == 200
    assert "Suivi(e) par : Juridiction Bêta" in page
    assert "Contact : Greffe SAP, 0262 00 00 00" in page
    assert 'name="reason"' in page
    # Nothing of the other record: neither its name nor its APPI number nor its city.
    for private in ("LEROUX", "Camille", "202677778888", "SAINT-DENIS", "1988"):
        assert private not in page


def test_sending_records_a_pull_request_answered_by_the_source(alpha, beta, asker, entry):
    response = asker.post(f"{URL}?entry={entry.pk}", {"reason": REASON})
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/transferts/{transfer.pk}/"
    assert (transfer.direction, transfer.state) == (Direction.PULL, State.PENDING)
    assert (transfer.source_id, transfer.source_person_id, transfer.target_id) == (
        beta.pk,
        entry.person_id,
        alpha.pk,
    )
    assert transfer.asked_by == asker.user and transfer.reason == REASON
    assert transfer.answering_jurisdiction_id == beta.pk
    follow = text(asker.get(response["Location"]))
    assert "Demande de transfert envoyée à Juridiction Bêta" in follow


def test_a_short_reason_is_a_field_error_and_nothing_is_recorded(asker, entry):
    response = asker.post(f"{URL}?entry={entry.pk}", {"reason": "  déménagé "})
    assert response.status_code == 400
    assert "au moins 10 caractères" in text(response)
    assert not Transfer.objects.exists()


def test_a_second_request_while_one_is_open_is_refused(asker, alpha, entry):
    assert asker.post(f"{URL}?entry={entry.pk}", {"reason": REASON}).status_code == 302
    other = client_of(alpha, Role.JAP)
    response = other.post(f"{URL}?entry={entry.pk}", {"reason": REASON + " Bis."})
    assert response.status_code == 400
    assert "Une demande de transfert est déjà en cours pour cette personne" in text(response)
    assert Transfer.objects.count() == 1


def test_a_person_archived_at_the_source_cannot_be_asked_for(asker, beta, entry):
    with tenant_context(beta):
        Person.objects.get(pk=entry.person_id).archive()
    response = asker.post(f"{URL}?entry={entry.pk}", {"reason": REASON})
    assert response.status_code == 400
    assert "Le dossier de cette personne est archivé à Juridiction Bêta" in text(response)
    assert not Transfer.objects.exists()


def test_a_source_not_live_yet_is_refused(asker, gamma):
    entry = entry_of(gamma, followed_at(gamma))
    response = asker.post(f"{URL}?entry={entry.pk}", {"reason": REASON})
    assert response.status_code == 400
    assert "Juridiction Gamma n'est pas encore en service" in text(response)
    assert not Transfer.objects.exists()


def test_a_target_not_live_yet_is_refused(asker, alpha, entry):
    page = asker.get(f"{URL}?entry={entry.pk}")  # opened while live
    assert page.status_code == 200
    Jurisdiction.objects.filter(pk=alpha.pk).update(status=JurisdictionStatus.ONBOARDING)
    response = asker.post(f"{URL}?entry={entry.pk}", {"reason": REASON})
    assert response.status_code == 400
    assert "Juridiction Alpha n'est pas encore en service" in text(response)
    assert not Transfer.objects.exists()


def test_an_entry_of_our_own_jurisdiction_is_refused(asker, alpha):
    own = entry_of(alpha, followed_at(alpha))
    for response in (
        asker.get(f"{URL}?entry={own.pk}"),
        asker.post(f"{URL}?entry={own.pk}", {"reason": REASON}),
    ):
        assert response.status_code == 400
        assert OWN_ENTRY in text(response)
        assert 'name="reason"' not in text(response)
    assert not Transfer.objects.exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", NO_ENTRY),
        ("?entry=", NO_ENTRY),
        ("?entry=abc", UNKNOWN_ENTRY),
        ("?entry=-3", UNKNOWN_ENTRY),
        ("?entry=999999999", UNKNOWN_ENTRY),
        ("?entry=99999999999999999999999999", UNKNOWN_ENTRY),
    ],
)
def test_a_missing_or_unknown_entry_is_a_french_404(asker, query, message):
    for response in (asker.get(URL + query), asker.post(URL + query, {"reason": REASON})):
        assert response.status_code == 404
        assert message in text(response)
    assert not Transfer.objects.exists()


def test_an_entry_erased_since_the_warning_is_unknown(asker, beta, entry):
    with tenant_context(beta):
        Person.objects.filter(pk=entry.person_id).delete()  # the trigger removes the entry
    response = asker.post(f"{URL}?entry={entry.pk}", {"reason": REASON})
    assert response.status_code == 404 and UNKNOWN_ENTRY in text(response)
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("role", [Role.CPIP, Role.BEX, Role.PSYCHOLOGIST, Role.PROSECUTOR])
def test_a_role_without_the_transfer_right_gets_403(alpha, entry, role):
    client = client_of(alpha, role)
    assert client.get(f"{URL}?entry={entry.pk}").status_code == 403
    assert client.post(f"{URL}?entry={entry.pk}", {"reason": REASON}).status_code == 403
    assert not Transfer.objects.exists()
