"""Delivery receipts: one webhook per provider on the public host, authenticated, idempotent.

The providers call one national URL; the message's reference ("<jurisdiction id>.<message id>",
sent as LINK's ``campaignName`` or Brevo's ``tag``) names the schema, which this module enters
explicitly. Unauthenticated calls get 403 and a log line; unknown references get 404. Logs carry
ids and codes only, never numbers or texts.
"""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import tenant_context

from tenants.models import Jurisdiction

from .constants import FailureReason, MessageState
from .models import Attempt, Message

logger = logging.getLogger(__name__)

DELIVERED, FAILED, IGNORED = "delivered", "failed", "ignored"
# LINK Mobility delivery report statuses -> what they mean for us.
LINK_STATUSES = {
    "DELIVERED": (DELIVERED, ""),
    "UNDELIVERABLE": (FAILED, FailureReason.UNDELIVERABLE),
    "REJECTED": (FAILED, FailureReason.UNDELIVERABLE),
    "EXPIRED": (FAILED, FailureReason.NOT_RECEIVED),
    "DELETED": (FAILED, FailureReason.NOT_RECEIVED),
}
# Brevo webhook events -> what they mean for us (sent, accepted, replied... change nothing).
BREVO_EVENTS = {
    "delivered": (DELIVERED, ""),
    "hard_bounce": (FAILED, FailureReason.UNDELIVERABLE),
    "hardBounce": (FAILED, FailureReason.UNDELIVERABLE),
    "soft_bounce": (FAILED, FailureReason.NOT_RECEIVED),
    "softBounce": (FAILED, FailureReason.NOT_RECEIVED),
}


def parse_reference(reference) -> tuple[int, int] | None:
    parts = str(reference or "").split(".")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1])


def apply_receipt(
    message_id: int, *, provider_message_id: str, outcome: str, reason: str, code: str
) -> str:
    """In the current schema: sent → delivered or failed. Returns updated, unchanged or unknown."""
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return "unknown"
        if provider_message_id and provider_message_id != message.provider_message_id:
            known = Attempt.objects.filter(
                message=message, provider_message_id=provider_message_id
            ).exists()
            # A receipt may outrun the write of the provider's id (state still "sending").
            if not known and message.state != MessageState.SENDING:
                return "unknown"
        if message.state in (MessageState.DELIVERED, MessageState.FAILED):
            return "unchanged"  # a receipt sent twice, or after a final one
        if message.state in (MessageState.CANCELLED, MessageState.NOT_SENDABLE):
            return "unchanged"
        message.receipt_code = str(code)[:32]
        if outcome == DELIVERED:
            message.state = MessageState.DELIVERED
            message.delivered_at = now
            message.reason = ""
        else:
            message.state = MessageState.FAILED
            message.failed_at = now
            message.reason = reason
        if provider_message_id and not message.provider_message_id:
            message.provider_message_id = provider_message_id
        message.save(
            update_fields=[
                "state",
                "delivered_at",
                "failed_at",
                "reason",
                "receipt_code",
                "provider_message_id",
            ]
        )
    return "updated"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message}}, status=status
    )


def _route(provider: str, reference, provider_message_id: str, outcome: str, reason: str, code):
    if outcome == IGNORED:
        return JsonResponse({"status": "ignored"})
    parsed = parse_reference(reference)
    jurisdiction = None
    if parsed:
        jurisdiction = Jurisdiction.objects.tenants().filter(pk=parsed[0]).first()
    if jurisdiction is None:
        logger.warning("sms receipt (%s): unknown reference", provider)
        return _error(404, "unknown_message", "Message inconnu.")
    with tenant_context(jurisdiction):
        result = apply_receipt(
            parsed[1],
            provider_message_id=provider_message_id,
            outcome=outcome,
            reason=reason,
            code=code,
        )
    if result == "unknown":
        logger.warning(
            "sms receipt (%s): unknown message in %s", provider, jurisdiction.schema_name
        )
        return _error(404, "unknown_message", "Message inconnu.")
    logger.info("sms receipt (%s) %s: message %s %s", provider, outcome, parsed[1], result)
    return JsonResponse({"status": result})


def _credential_matches(given: str, expected: str) -> bool:
    """Constant-time comparison on bytes: a header may hold any character (WSGI decodes headers
    as Latin-1), and an empty configured secret authenticates nobody."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def _json_body(request):
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@csrf_exempt
@require_POST
def link_receipt(request):
    """LINK Mobility delivery report, signed: ``X-Gateway-Signature: sha256=<HMAC of the body>``."""
    secret = settings.SMS_LINK_WEBHOOK_SECRET
    expected = (
        "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        if secret
        else ""
    )
    if not _credential_matches(request.headers.get("X-Gateway-Signature", ""), expected):
        logger.warning("sms receipt (link) refused: bad signature")
        return _error(403, "bad_signature", "Signature invalide.")
    data = _json_body(request)
    if data is None:
        logger.warning("sms receipt (link): unreadable body")
        return _error(400, "bad_request", "Corps illisible.")
    outcome, reason = LINK_STATUSES.get(str(data.get("status", "")).upper(), (IGNORED, ""))
    return _route(
        "link",
        data.get("campaignName"),
        str(data.get("messageId") or ""),
        outcome,
        reason,
        data.get("statusCode", ""),
    )


@csrf_exempt
@require_POST
def brevo_receipt(request):
    """Brevo webhook event, authenticated by ``Authorization: Bearer <token>``."""
    authorization = request.headers.get("Authorization", "")
    token = authorization.removeprefix("Bearer ").strip()
    if not authorization.startswith("Bearer "):
        token = ""
    if not _credential_matches(token, settings.SMS_BREVO_WEBHOOK_TOKEN):
        logger.warning("sms receipt (brevo) refused: bad token")
        return _error(403, "bad_signature", "Jeton invalide.")
    data = _json_body(request)
    if data is None:
        logger.warning("sms receipt (brevo): unreadable body")
        return _error(400, "bad_request", "Corps illisible.")
    event = str(data.get("event") or data.get("msg_status") or "")
    outcome, reason = BREVO_EVENTS.get(event, (IGNORED, ""))
    return _route(
        "brevo", data.get("tag"), str(data.get("messageId") or ""), outcome, reason, event
    )
