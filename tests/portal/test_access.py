"""Signing in to the portal with a mobile number and a code sent by SMS (issue 6, point 1)."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.notifications import sending
from jurisdiction_apps.notifications.constants import MessageState, PortalSmsKind
from jurisdiction_apps.notifications.models import Message
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.portal.constants import CODE_REQUESTS_PER_ADDRESS, CODE_REQUESTS_PER_NUMBER
from jurisdiction_apps.portal.models import Invitation, SignIn, SignInCode
from jurisdiction_apps.portal.services import access
from jurisdiction_apps.portal.session import PENDING_KEY, SESSION_KEY
from tenants.constants import Role
from tests.notifications.conftest import _gateway_server, gateway  # noqa: F401
from tests.people.helpers import agent_client, host, make_person, page_text

from .helpers import clear_rate_limits, make_mobile_person, person_client

SIGN_IN = "/mon-espace/connexion/"
CODE = "/mon-espace/connexion/code/"


@pytest.fixture(autouse=True)
def _no_rate_limits_left_over():
    clear_rate_limits()
    yield


@pytest.fixture
def fresh_rate_window():
    """Start right after a rate-limit window opens: the limits count requests in fixed windows
    (15 minutes, a UTC day), and a test crossing a boundary would see its count start again."""
    shortest = min(seconds for _, seconds in CODE_REQUESTS_PER_NUMBER + CODE_REQUESTS_PER_ADDRESS)
    with time_machine.travel((time.time() // shortest + 1) * shortest + 1, tick=True):
        yield


def browser(jurisdiction, address="203.0.113.7") -> Client:
    return Client(HTTP_HOST=host(jurisdiction), REMOTE_ADDR=address)


def ask_code(client, phone):
    return client.post(SIGN_IN, {"phone": phone})


def code_sms(jurisdiction, person):
    with tenant_context(jurisdiction):
        return list(Message.objects.filter(person=person, kind=PortalSmsKind.SIGN_IN_CODE))


def sent_code(jurisdiction, person) -> str:
    """The code of the latest SMS (as the person reads it on the phone)."""
    (message, *_) = reversed(code_sms(jurisdiction, person))
    return re.search(r"\b(\d{6})\b", message.text).group(1)


def test_a_known_mobile_gets_a_code_by_sms_and_only_its_hash_is_kept(alpha, person):
    client = browser(alpha)
    response = ask_code(client, "06 12 34 56 78")
    assert response.status_code == 302 and response["Location"] == CODE
    (message,) = code_sms(alpha, person)
    assert message.state == MessageState.CREATED and message.due_at <= timezone.now()
    code = sent_code(alpha, person)
    assert "Ne le donnez à personne" in message.text
    with tenant_context(alpha):
        record = SignInCode.objects.get(person=person)
        assert code not in record.code_hash and len(record.code_hash) == 64
        assert record.expires_at - record.created_at == timedelta(minutes=10)
    assert "finit par <strong>78</strong>" in page_text(client.get(CODE))


def test_an_unknown_number_gets_the_same_answer_and_no_sms(alpha, person):
    known, unknown = browser(alpha), browser(alpha, "203.0.113.8")
    answer_known = ask_code(known, "0612345678")
    answer_unknown = ask_code(unknown, "0611111111")
    assert answer_unknown.status_code == answer_known.status_code == 302
    assert answer_unknown["Location"] == answer_known["Location"]
    page_unknown = page_text(unknown.get(CODE)).replace("11", "78")
    page_known = page_text(known.get(CODE))
    # What differs between two renders: the form's token and the CSP nonce of the page.
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"| nonce="[^"]+"')
    assert strip.sub("", page_unknown) == strip.sub("", page_known)
    with tenant_context(alpha):
        assert Message.objects.count() == 1 and SignInCode.objects.count() == 1
    # Typing codes for the unknown number: the same messages as a wrong code.
    response = unknown.post(CODE, {"code": "123456"})
    assert "Il vous reste 4 essais" in page_text(response)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01 47 20 00 00", "pas un numéro de portable"),  # a landline: no mobile
        ("06 12", "incomplet"),
        ("bonjour", "pas lisible"),
        ("", "Écrivez votre numéro de portable"),
    ],
)
def test_a_number_that_is_not_a_mobile_is_refused_in_french(alpha, person, typed, message):
    client = browser(alpha)
    response = ask_code(client, typed)
    assert response.status_code == 200
    assert message in page_text(response)
    with tenant_context(alpha):
        assert not SignInCode.objects.exists() and not Message.objects.exists()
    assert PENDING_KEY not in client.session


def test_a_person_without_mobile_gets_no_code(alpha):
    make_person(alpha, phone="+33612345670", no_mobile_phone=True)
    client = browser(alpha)
    assert ask_code(client, "06 12 34 56 70").status_code == 302  # same answer
    with tenant_context(alpha):
        assert not Message.objects.exists()


def test_the_right_code_signs_in_once(alpha, person):
    client = browser(alpha)
    ask_code(client, "0612345678")
    response = client.post(CODE, {"code": sent_code(alpha, person)})
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    assert client.session[SESSION_KEY]["person"] == person.pk
    assert client.session[SESSION_KEY]["schema"] == alpha.schema_name
    with tenant_context(alpha):
        assert SignIn.objects.filter(person=person, method="code").count() == 1
        assert SignInCode.objects.get().used_at is not None


def test_a_code_typed_with_spaces_works(alpha, person):
    client = browser(alpha)
    ask_code(client, "0612345678")
    code = sent_code(alpha, person)
    response = client.post(CODE, {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"


def test_a_wrong_code_counts_down_and_the_fifth_closes_the_code(alpha, person):
    client = browser(alpha)
    ask_code(client, "0612345678")
    right = sent_code(alpha, person)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        text = page_text(client.post(CODE, {"code": wrong}))
        expected = f"Il vous reste {left} essai{'s' if left > 1 else ''}."
        assert expected in text
    assert "Vous avez fait 5 essais" in page_text(client.post(CODE, {"code": wrong}))
    # The right code no longer works either.
    assert "Vous avez fait 5 essais" in page_text(client.post(CODE, {"code": right}))
    assert SESSION_KEY not in client.session
    with tenant_context(alpha):
        assert not SignIn.objects.exists()


def test_an_expired_code_is_refused(alpha, person):
    client = browser(alpha)
    ask_code(client, "0612345678")
    with tenant_context(alpha):
        SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    text = page_text(client.post(CODE, {"code": sent_code(alpha, person)}))
    assert "il a plus de 10 minutes" in text
    assert SESSION_KEY not in client.session


def test_a_used_code_cannot_be_used_again(alpha, person):
    first = browser(alpha)
    ask_code(first, "0612345678")
    code = sent_code(alpha, person)
    first.post(CODE, {"code": code})
    # Someone else asks for a code for the same number, then types the old one.
    second = browser(alpha, "203.0.113.9")
    ask_code(second, "0612345678")
    assert "Ce code a déjà servi" in page_text(second.post(CODE, {"code": code}))
    assert SESSION_KEY not in second.session


def test_an_older_code_is_replaced_by_the_newer_one(alpha, person):
    client = browser(alpha)
    ask_code(client, "0612345678")
    old = sent_code(alpha, person)
    client.post("/mon-espace/connexion/nouveau-code/")
    new = sent_code(alpha, person)
    if new == old:  # one chance in a million
        pytest.skip("the two random codes are equal")
    assert "remplacé par un code plus récent" in page_text(client.post(CODE, {"code": old}))
    assert client.post(CODE, {"code": new})["Location"] == "/mon-espace/"


def test_a_malformed_code_is_explained(alpha, person):
    client = browser(alpha)
    ask_code(client, "0612345678")
    assert "Le code a 6 chiffres" in page_text(client.post(CODE, {"code": "12ab"}))
    with tenant_context(alpha):
        assert SignInCode.objects.get().attempts == 0


def test_requests_are_limited_per_number_known_or_not(alpha, person, fresh_rate_window):
    for phone in ("0612345678", "0611111111"):
        for index in range(3):
            response = ask_code(browser(alpha, f"198.51.100.{index}"), phone)
            assert response.status_code == 302
        refused = ask_code(browser(alpha, "198.51.100.99"), phone)
        assert refused.status_code == 200
        assert "Vous avez demandé trop de codes" in page_text(refused)
    assert len(code_sms(alpha, person)) == 3


def test_requests_are_limited_per_address(alpha, fresh_rate_window):
    client = browser(alpha, "192.0.2.50")
    for index in range(10):
        assert ask_code(client, f"06 12 34 56 {index:02d}").status_code == 302
    refused = ask_code(client, "06 12 34 56 99")
    assert "Vous avez demandé trop de codes" in page_text(refused)
    # Another address is not affected.
    assert ask_code(browser(alpha, "192.0.2.51"), "06 12 34 56 99").status_code == 302


def test_the_code_is_blanked_out_of_the_sms_once_sent(alpha, person, gateway):  # noqa: F811
    client = browser(alpha)
    ask_code(client, "0612345678")
    code = sent_code(alpha, person)
    with tenant_context(alpha):  # a code goes at once, even in quiet hours
        (message,) = code_sms(alpha, person)
        Message.objects.filter(pk=message.pk).update(state=MessageState.QUEUED)
        sending.send_batch([message.pk])
        message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert code not in message.text and "••••••" in message.text
    (received,) = gateway.messages()
    assert code in received["text"]


def test_a_portal_session_ends_after_30_minutes_idle(alpha, person):
    idle = person_client(alpha, person, idle_seconds=31 * 60)
    response = idle.get("/mon-espace/", follow=True)
    assert response.redirect_chain[-1][0] == SIGN_IN
    assert "30 minutes" in page_text(response)
    assert SESSION_KEY not in idle.session
    active = person_client(alpha, person, idle_seconds=29 * 60)
    assert active.get("/mon-espace/").status_code == 200


def test_a_session_is_worth_nothing_on_another_jurisdiction(alpha, beta, person):
    same_phone = make_mobile_person(beta, phone=person.phone, last_name="DURAND")
    client = person_client(alpha, person)
    response = client.get("/mon-espace/", HTTP_HOST=host(beta))
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    # Signing in on beta is separate and gives beta's person.
    beta_browser = browser(beta)
    ask_code(beta_browser, "+33612345678")
    beta_browser.post(CODE, {"code": sent_code(beta, same_phone)})
    assert beta_browser.session[SESSION_KEY] == {
        **beta_browser.session[SESSION_KEY],
        "schema": beta.schema_name,
        "person": same_phone.pk,
    }


def test_signing_out_ends_the_session(alpha, person):
    client = person_client(alpha, person)
    assert client.post("/mon-espace/deconnexion/")["Location"] == SIGN_IN
    assert client.get("/mon-espace/")["Location"] == SIGN_IN


def test_the_portal_of_a_jurisdiction_not_live_is_closed(gamma):
    client = browser(gamma)
    response = client.get(SIGN_IN)
    assert response.status_code == 503
    assert "pas encore ouvert" in page_text(response)
    assert client.post(SIGN_IN, {"phone": "0612345678"}).status_code == 503


def test_an_agent_invites_a_person_by_sms(alpha, person):
    cpip = agent_client(alpha, Role.CPIP)
    response = cpip.post(reverse("portal_team:invite", args=[person.pk]), follow=True)
    assert "L'invitation est envoyée par SMS" in page_text(response)
    with tenant_context(alpha):
        invitation = Invitation.objects.get(person=person)
        message = Message.objects.get(kind=PortalSmsKind.INVITATION)
    link = f"/mon-espace/invitation/{invitation.token}/"
    assert link in message.text and "DURAND" not in message.text
    # The person opens the link: nothing is sent until they press the button.
    phone = browser(alpha)
    assert phone.get(link).status_code == 200
    assert code_sms(alpha, person) == []
    assert phone.post(link)["Location"] == CODE
    phone.post(CODE, {"code": sent_code(alpha, person)})
    assert phone.session[SESSION_KEY]["person"] == person.pk
    with tenant_context(alpha):
        assert SignIn.objects.get().method == "invitation"


def test_an_expired_invitation_link_sends_nothing(alpha, person):
    with tenant_context(alpha):
        from tests.factories import UserFactory

        invitation = Invitation.objects.create(
            person=person,
            sent_by=UserFactory(),
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    response = browser(alpha).post(f"/mon-espace/invitation/{invitation.token}/", follow=True)
    assert "Ce lien ne marche plus" in page_text(response)
    assert code_sms(alpha, person) == []


def test_a_person_without_mobile_cannot_be_invited(alpha):
    nobody = make_person(alpha)  # no mobile
    cpip = agent_client(alpha, Role.CPIP)
    response = cpip.post(reverse("portal_team:invite", args=[nobody.pk]), follow=True)
    assert "Impossible d'inviter cette personne" in page_text(response)
    with tenant_context(alpha):
        assert not Invitation.objects.exists() and not Message.objects.exists()


def test_a_prosecutor_cannot_invite(alpha, person):
    prosecutor = agent_client(alpha, Role.PROSECUTOR)
    assert prosecutor.post(reverse("portal_team:invite", args=[person.pk])).status_code == 403


def test_pending_state_of_an_unknown_number_expires_like_a_code(alpha):
    pending = access.Pending(phone="+33611111111", requested_at=time.time() - 11 * 60)
    with tenant_context(alpha), pytest.raises(access.AccessError, match="plus de 10 minutes"):
        access.check_code(pending, "123456")


def test_changing_the_number_or_archiving_ends_open_sessions(alpha, person, other_person):
    client = person_client(alpha, person)
    with tenant_context(alpha):
        Person.objects.filter(pk=person.pk).update(phone="+33600000001")
    assert client.get("/mon-espace/")["Location"] == SIGN_IN
    other = person_client(alpha, other_person)
    with tenant_context(alpha):
        Person.objects.filter(pk=other_person.pk).update(archived_at=timezone.now())
    assert other.get("/mon-espace/")["Location"] == SIGN_IN


def test_when_redis_is_down_codes_are_still_sent(alpha, person, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(access.cache, "add", down)
    response = ask_code(browser(alpha), "0612345678")
    assert response.status_code == 302 and response["Location"] == CODE
    assert len(code_sms(alpha, person)) == 1
    assert "rate limit store unavailable" in caplog.text
