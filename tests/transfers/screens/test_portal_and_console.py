"""After a transfer: the person's portal at the source ends with a word about the new service,
the target's portal signs them in with the same phone (issue 19, point 3); and the national
console's transfers in flight (point 5)."""

import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications.constants import PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.portal.session import SESSION_KEY
from shared.transfers import services
from tests.auth import sign_in
from tests.factories import UserFactory
from tests.people.helpers import host
from tests.portal.helpers import clear_rate_limits, person_client

from .helpers import PHONE, page_text, pull, push


@pytest.fixture(autouse=True)
def _no_rate_limits_left_over():
    clear_rate_limits()
    yield


def test_the_source_portal_signs_the_person_out_and_names_the_new_service(
    alpha, beta, person, alpha_admin, beta_dpip
):
    beta.service_contact = "SPIP de Bêta, 01 23 45 67 89"
    beta.save(update_fields=["service_contact"])
    browser = person_client(alpha, person)
    assert browser.get("/mon-espace/").status_code == 200
    transfer = pull(alpha, beta, person, beta_dpip.user)
    services.accept(transfer.pk, jurisdiction=alpha, acting_user=alpha_admin.user)

    response = browser.get("/mon-espace/", follow=True)
    assert response.redirect_chain[-1][0] == "/mon-espace/connexion/"
    text = page_text(response)
    assert "Votre suivi est maintenant assuré par Juridiction Bêta" in text
    assert "avec le même numéro de portable" in text
    assert "Pour le joindre : SPIP de Bêta, 01 23 45 67 89" in text
    assert SESSION_KEY not in browser.session
    # Said once: the next visit is an ordinary sign-in page.
    assert "Votre suivi" not in page_text(browser.get("/mon-espace/", follow=True))


def test_an_archived_person_is_signed_out_without_a_transfer_word(alpha, person):
    from django.utils import timezone

    from jurisdiction_apps.people.models import Person

    browser = person_client(alpha, person)
    with tenant_context(alpha):
        Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
    text = page_text(browser.get("/mon-espace/", follow=True))
    assert "Votre suivi est maintenant" not in text


def test_the_target_portal_signs_the_person_in_with_the_same_phone(
    alpha, beta, person, alpha_admin, beta_dpip
):
    transfer = push(alpha, beta, person, alpha_admin.user)
    result = services.accept(transfer.pk, jurisdiction=beta, acting_user=beta_dpip.user)

    browser = Client(HTTP_HOST=host(beta), REMOTE_ADDR="203.0.113.9")
    browser.post("/mon-espace/connexion/", {"phone": PHONE})
    with tenant_context(beta):
        (sms,) = Message.objects.filter(kind=PortalSmsKind.SIGN_IN_CODE)
        assert sms.person_id == result.target_person_id
    code = re.search(r"\b(\d{6})\b", sms.text).group(1)
    response = browser.post("/mon-espace/connexion/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    assert browser.session[SESSION_KEY]["person"] == result.target_person_id
    assert browser.session[SESSION_KEY]["schema"] == beta.schema_name
    assert browser.get("/mon-espace/").status_code == 200

    # The source's portal no longer knows the number: no code is sent there.
    source = Client(HTTP_HOST=host(alpha), REMOTE_ADDR="203.0.113.9")
    source.post("/mon-espace/connexion/", {"phone": PHONE})
    with tenant_context(alpha):
        assert not Message.objects.filter(kind=PortalSmsKind.SIGN_IN_CODE).exists()


@pytest.fixture
def national():
    client = Client(HTTP_HOST="localhost")
    sign_in(client, UserFactory(national_team=True))
    return client


def test_the_console_counts_transfers_in_flight(
    alpha, beta, gamma, person, alpha_admin, beta_dpip, national
):
    from tests.portal.helpers import make_mobile_person

    other = make_mobile_person(alpha, phone="+33698765432", last_name="PETIT", first_names="Zoé")
    pull(alpha, beta, person, beta_dpip.user)  # Alpha answers
    push(alpha, beta, other, alpha_admin.user)  # Beta answers
    third = make_mobile_person(alpha, phone="+33611111111", last_name="LEROY", first_names="Max")
    refused = push(alpha, beta, third, alpha_admin.user)
    services.refuse(refused.pk, jurisdiction=beta, comment="Non", acting_user=beta_dpip.user)

    response = national.get("/console/")
    assert response.status_code == 200
    rows = {row["jurisdiction"].slug: row["transfers"] for row in response.context["rows"]}
    assert rows["alpha"] == {"incoming": 1, "outgoing": 1}
    assert rows["beta"] == {"incoming": 1, "outgoing": 1}
    assert rows["gamma"] is None
    text = page_text(response)
    assert "1 à traiter" in text and "Transferts en cours" in text
    # Counts only: no person's name reaches the public host.
    assert "DURAND" not in text and "PETIT" not in text
