"""Delivery receipts: authenticated, idempotent, sent → delivered or failed."""

import hashlib
import hmac
import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from jurisdiction_apps.notifications.constants import FailureReason, MessageKind, MessageState
from jurisdiction_apps.notifications.models import Message
from tests.notifications.test_sending import send_due


def sign(body: bytes) -> str:
    secret = settings.SMS_LINK_WEBHOOK_SECRET.encode()
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def link_receipt(client, payload, signature=None):
    body = json.dumps(payload).encode()
    return client.post(
        "/sms/accuses/link/",
        body,
        content_type="application/json",
        HTTP_X_GATEWAY_SIGNATURE=signature if signature is not None else sign(body),
    )


def brevo_receipt(client, payload, token=None):
    return client.post(
        "/sms/accuses/brevo/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token or settings.SMS_BREVO_WEBHOOK_TOKEN}",
    )


@pytest.fixture
def sent_summon(daytime, gateway, person, book_in):
    appointment = book_in(person, hours=72)
    send_due()
    summon = Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)
    assert summon.state == MessageState.SENT
    return summon


@pytest.fixture
def public_client():
    # The public host: the middleware selects the public schema for each request.
    return Client(HTTP_HOST="localhost")


def refresh(message):
    connection.set_tenant(message._tenant)
    message.refresh_from_db()
    return message


@pytest.fixture
def summon(sent_summon):
    sent_summon._tenant = connection.tenant
    sent_summon.ref = sent_summon.reference
    return sent_summon


def test_a_signed_delivery_report_marks_the_message_delivered_once(summon, public_client):
    payload = {
        "messageId": summon.provider_message_id,
        "campaignName": summon.ref,
        "status": "DELIVERED",
        "statusCode": 0,
    }
    first = link_receipt(public_client, payload)
    assert (first.status_code, first.json()) == (200, {"status": "updated"})
    again = link_receipt(public_client, payload)
    assert (again.status_code, again.json()) == (200, {"status": "unchanged"})
    summon = refresh(summon)
    assert summon.state == MessageState.DELIVERED and summon.delivered_at


def test_an_undeliverable_report_fails_the_message_and_flags_the_number(summon, public_client):
    link_receipt(
        public_client,
        {
            "messageId": summon.provider_message_id,
            "campaignName": summon.ref,
            "status": "UNDELIVERABLE",
            "statusCode": 5,
        },
    )
    summon = refresh(summon)
    assert (summon.state, summon.reason) == (MessageState.FAILED, FailureReason.UNDELIVERABLE)
    # A later "delivered" for the same message changes nothing: failures are final.
    link_receipt(
        public_client,
        {
            "messageId": summon.provider_message_id,
            "campaignName": summon.ref,
            "status": "DELIVERED",
        },
    )
    assert refresh(summon).state == MessageState.FAILED


def test_a_bad_signature_is_refused_and_logged_without_personal_data(summon, public_client, caplog):
    caplog.set_level(logging.WARNING)
    payload = {"campaignName": summon.ref, "status": "DELIVERED"}
    response = link_receipt(public_client, payload, signature="sha256=" + "0" * 64)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "bad_signature"
    assert refresh(summon).state == MessageState.SENT
    assert any("bad signature" in r.getMessage() for r in caplog.records)
    assert not any(summon.phone.lstrip("+") in r.getMessage() for r in caplog.records)
    unsigned = public_client.post(
        "/sms/accuses/link/", json.dumps(payload), content_type="application/json"
    )
    assert unsigned.status_code == 403


@pytest.mark.parametrize(
    "reference", ["999999.1", "not-a-reference", None, "{jurisdiction}.999999"]
)
def test_an_unknown_message_is_404_and_logged(summon, public_client, caplog, reference):
    caplog.set_level(logging.WARNING)
    if reference and "{jurisdiction}" in reference:
        reference = reference.format(jurisdiction=summon._tenant.pk)
    response = link_receipt(public_client, {"campaignName": reference, "status": "DELIVERED"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_message"
    assert any("unknown" in r.getMessage() for r in caplog.records)


def test_a_receipt_naming_another_provider_id_is_refused(summon, public_client):
    response = link_receipt(
        public_client,
        {"messageId": "someone-else", "campaignName": summon.ref, "status": "DELIVERED"},
    )
    assert response.status_code == 404
    assert refresh(summon).state == MessageState.SENT


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b""])
def test_an_unreadable_receipt_is_400(summon, public_client, body):
    response = public_client.post(
        "/sms/accuses/link/",
        body,
        content_type="application/json",
        HTTP_X_GATEWAY_SIGNATURE=sign(body),
    )
    assert response.status_code == 400
    assert refresh(summon).state == MessageState.SENT


def test_intermediate_statuses_change_nothing(summon, public_client):
    response = link_receipt(public_client, {"campaignName": summon.ref, "status": "BUFFERED"})
    assert response.json() == {"status": "ignored"}
    assert refresh(summon).state == MessageState.SENT


def test_brevo_events_with_the_token(daytime, gateway, person, book_in, public_client):
    gateway.set_switches({"mode": "error_503", "api": "link"})
    tenant = connection.tenant
    appointment = book_in(person, hours=72)
    send_due()
    summon = Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)
    summon._tenant, summon.ref = tenant, summon.reference
    assert summon.provider == "brevo"
    refused = brevo_receipt(public_client, {"event": "delivered", "tag": summon.ref}, token="wrong")
    assert refused.status_code == 403
    ok = brevo_receipt(
        public_client,
        {"event": "hard_bounce", "tag": summon.ref, "messageId": summon.provider_message_id},
    )
    assert ok.json() == {"status": "updated"}
    summon = refresh(summon)
    assert (summon.state, summon.reason) == (MessageState.FAILED, FailureReason.UNDELIVERABLE)


def test_a_receipt_that_outruns_the_send_result_is_kept(daytime, gateway, person, book_in):
    """The provider's receipt may arrive before the worker wrote "sent": it is not lost."""
    from jurisdiction_apps.notifications import receipts, sending

    appointment = book_in(person, hours=72)
    sending.sweep()
    summon = Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)
    prepared, _ = sending._prepare([summon.pk], timezone.now())
    result = sending._deliver(prepared[0])
    assert (
        receipts.apply_receipt(
            summon.pk,
            provider_message_id=result.provider_message_id,
            outcome=receipts.DELIVERED,
            reason="",
            code="0",
        )
        == "updated"
    )
    sending._apply(prepared, [result], timezone.now(), {})
    summon.refresh_from_db()
    assert summon.state == MessageState.DELIVERED
    assert summon.provider_message_id == result.provider_message_id


def test_a_message_without_receipt_for_too_long_is_flagged(daytime, gateway, person, book_in):
    appointment = book_in(person, hours=72)
    send_due()
    summon = Message.objects.get(appointment=appointment, kind=MessageKind.SUMMON)
    assert not Message.objects.needing_attention().exists()
    Message.objects.filter(pk=summon.pk).update(
        sent_at=timezone.now() - timedelta(minutes=settings.SMS_RECEIPT_OVERDUE_MINUTES + 1)
    )
    summon.refresh_from_db()
    assert summon.receipt_is_overdue
    assert list(Message.objects.needing_attention()) == [summon]


# --- Bad credentials (issue 16): never a 500, never accepted when the secret is empty ---------


@pytest.mark.parametrize(
    "signature",
    ["sha256=é" + "0" * 63, "sha256=\u00ff\u00fe", "é", "", "sha256=", " "],
    ids=["non-ascii-hex", "latin1", "non-ascii", "empty", "prefix-only", "blank"],
)
def test_a_link_receipt_with_a_bad_or_non_ascii_signature_is_403(summon, public_client, signature):
    payload = {"campaignName": summon.ref, "status": "DELIVERED"}
    response = link_receipt(public_client, payload, signature=signature)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "bad_signature"
    assert refresh(summon).state == MessageState.SENT


@pytest.mark.parametrize(
    "authorization",
    ["Bearer é-jeton", "Bearer \u00ff", "Bearer ", "Bearer", "", "é", "Basic abc"],
    ids=["non-ascii", "latin1", "empty-bearer", "bare-bearer", "empty", "raw", "basic"],
)
def test_a_brevo_receipt_with_a_bad_or_non_ascii_token_is_403(summon, public_client, authorization):
    response = public_client.post(
        "/sms/accuses/brevo/",
        json.dumps({"tag": summon.ref, "event": "delivered"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization,
    )
    assert response.status_code == 403
    assert refresh(summon).state == MessageState.SENT


def test_a_raw_brevo_token_without_bearer_is_refused(summon, public_client):
    response = public_client.post(
        "/sms/accuses/brevo/",
        json.dumps({"tag": summon.ref, "event": "delivered"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=settings.SMS_BREVO_WEBHOOK_TOKEN,
    )
    assert response.status_code == 403


def test_empty_configured_secrets_authenticate_nobody(summon, public_client, settings):
    settings.SMS_BREVO_WEBHOOK_TOKEN = ""
    settings.SMS_LINK_WEBHOOK_SECRET = ""
    payload = {"tag": summon.ref, "event": "delivered"}
    brevo = public_client.post(
        "/sms/accuses/brevo/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ",
    )
    assert brevo.status_code == 403
    body = json.dumps({"campaignName": summon.ref, "status": "DELIVERED"}).encode()
    # What an attacker computes when the secret is empty: HMAC with an empty key.
    empty_key = "sha256=" + hmac.new(b"", body, hashlib.sha256).hexdigest()
    link = public_client.post(
        "/sms/accuses/link/",
        body,
        content_type="application/json",
        HTTP_X_GATEWAY_SIGNATURE=empty_key,
    )
    assert link.status_code == 403
    assert refresh(summon).state == MessageState.SENT
