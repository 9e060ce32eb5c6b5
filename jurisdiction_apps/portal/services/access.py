"""Signing in to the portal with a mobile number and a 6-digit code sent by SMS.

- Codes: 6 digits from ``secrets``, valid CODE_VALIDITY_MINUTES, CODE_MAX_ATTEMPTS tries, single
  use; only an HMAC of the code is stored, and the SMS engine blanks the code out of the SMS text
  once handed over.
- The answer is the same whether the number is known or not: an unknown number gets no SMS, but
  the same page, the same rate limits, the same attempts and the same expiry (kept in the
  session instead of the database).
- Requests are rate-limited per number and per address (fixed windows in Redis).
"""

import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from jurisdiction_apps.core.audit import audited
from jurisdiction_apps.core.digests import keyed_digest
from jurisdiction_apps.core.phones import PhoneError, parse_phone
from jurisdiction_apps.notifications.constants import PortalSmsKind
from jurisdiction_apps.notifications.texts import unsendable_reason
from jurisdiction_apps.people.models import Person
from tenants import net

from ..constants import (
    CODE_LENGTH,
    CODE_MAX_ATTEMPTS,
    CODE_REQUESTS_PER_ADDRESS,
    CODE_REQUESTS_PER_NUMBER,
    CODE_VALIDITY_MINUTES,
    INVITATION_VALIDITY_DAYS,
    SignInMethod,
)
from ..models import Invitation, SignIn, SignInCode
from .sms import portal_link, queue_portal_sms

logger = logging.getLogger(__name__)

NOT_A_MOBILE = (
    "Ce numéro n'est pas un numéro de portable. Écrivez le numéro de votre téléphone portable, "
    "celui qui reçoit les SMS."
)
TOO_MANY = "Vous avez demandé trop de codes. Attendez {minutes} minutes, puis réessayez."
WRONG_CODE = "Ce code n'est pas le bon. Il vous reste {left} essai{s}."
NO_MORE_TRIES = "Vous avez fait 5 essais. Ce code ne marche plus. Demandez un nouveau code."
EXPIRED = "Ce code n'est plus valable : il a plus de 10 minutes. Demandez un nouveau code."
USED = "Ce code a déjà servi. Demandez un nouveau code."
REPLACED = "Ce code a été remplacé par un code plus récent. Écrivez le dernier code reçu."
CODE_FORMAT = "Le code a 6 chiffres. Écrivez seulement les 6 chiffres."
NEED_NEW = "Ce code n'est pas le bon. Demandez un nouveau code."
INVITATION_INVALID = (
    "Ce lien ne marche plus. Écrivez votre numéro de portable pour recevoir un code."
)


class AccessError(ValueError):
    """A French message for the person; nothing was changed."""


@dataclass
class Pending:
    """What the session remembers between the number page and the code page."""

    phone: str  # E.164
    requested_at: float
    attempts: int = 0  # used only for numbers we do not know (no code row)
    method: str = SignInMethod.CODE

    def as_dict(self) -> dict:
        return {
            "phone": self.phone,
            "requested_at": self.requested_at,
            "attempts": self.attempts,
            "method": self.method,
        }

    @classmethod
    def from_dict(cls, data) -> "Pending | None":
        if not isinstance(data, dict) or "phone" not in data:
            return None
        return cls(
            phone=data["phone"],
            requested_at=float(data.get("requested_at", 0)),
            attempts=int(data.get("attempts", 0)),
            method=data.get("method", SignInMethod.CODE),
        )

    @property
    def expired(self) -> bool:
        return time.time() - self.requested_at > CODE_VALIDITY_MINUTES * 60


# --- helpers -----------------------------------------------------------------------------------
def hash_code(person_id: int, code: str) -> str:
    return keyed_digest(f"{connection.schema_name}:{person_id}:{code}")


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def parse_mobile_number(raw: str, region: str) -> str:
    try:
        parsed = parse_phone(raw, region)
    except PhoneError as error:
        raise AccessError(f"{error} Écrivez le numéro de votre téléphone portable.") from error
    if not parsed.is_mobile:
        raise AccessError(NOT_A_MOBILE)
    return parsed.e164


def client_address(request) -> str:
    """The caller's address, behind the documented proxy chain (tenants/net.py)."""
    return net.client_address(request)


def _take(scope: str, value: str, rules) -> int:
    """Count one request in each window; return the minutes to wait (0 when allowed)."""
    wait = 0
    try:
        for limit, seconds in rules:
            window = int(time.time() // seconds)
            digest = keyed_digest(value)[:32]  # no number in clear in Redis
            key = f"portal:rate:{connection.schema_name}:{scope}:{digest}:{seconds}:{window}"
            cache.add(key, 0, timeout=seconds + 60)
            count = cache.incr(key)
            if count > limit:
                left = seconds - int(time.time() % seconds)
                wait = max(wait, (left + 59) // 60)
    except Exception:  # Redis down: codes stay limited by their validity and attempts
        logger.warning("portal: rate limit store unavailable", exc_info=True)
        return 0
    return wait


def _wait_message(minutes: int) -> str:
    if minutes >= 120:
        return "Vous avez demandé trop de codes aujourd'hui. Réessayez demain."
    return TOO_MANY.format(minutes=minutes)


def _person_for(phone: str) -> Person | None:
    person = Person.objects.active().filter(phone=phone).first()
    if person is None or person.no_mobile_phone:
        return None
    return None if unsendable_reason(person, PortalSmsKind.SIGN_IN_CODE) else person


def _send_code(person: Person, now) -> SignInCode:
    SignInCode.objects.filter(person=person).live(now).update(closed_at=now)
    code = new_code()
    record = SignInCode.objects.create(
        person=person,
        code_hash=hash_code(person.pk, code),
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_VALIDITY_MINUTES),
    )
    jurisdiction = connection.tenant
    text = (
        f"{code} est votre code pour votre espace {jurisdiction.display_name}. "
        f"Il marche {CODE_VALIDITY_MINUTES} minutes. Ne le donnez à personne."
    )
    record.sms = queue_portal_sms(person, PortalSmsKind.SIGN_IN_CODE, text)
    record.save(update_fields=["sms"])
    return record


# --- requesting a code -------------------------------------------------------------------------
def request_code(raw_phone: str, *, address: str) -> Pending:
    """Check the number and the limits; send a code if the number is a person's. Same answer
    (a Pending) whether it is known or not; AccessError for a bad number or too many requests."""
    phone = parse_mobile_number(raw_phone, connection.tenant.phone_region)
    return _request_for_phone(phone, address=address, method=SignInMethod.CODE)


def _request_for_phone(phone: str, *, address: str, method: str) -> Pending:
    wait = max(
        _take("address", address, CODE_REQUESTS_PER_ADDRESS),
        _take("number", phone, CODE_REQUESTS_PER_NUMBER),
    )
    if wait:
        raise AccessError(_wait_message(wait))
    with transaction.atomic():
        person = _person_for(phone)
        if person is not None:
            _send_code(person, timezone.now())
    return Pending(phone=phone, requested_at=time.time(), method=method)


def resend_code(pending: Pending, *, address: str) -> Pending:
    """ "Send me a new code" from the code page: the same limits as a first request."""
    return _request_for_phone(pending.phone, address=address, method=pending.method)


def open_invitation(token: str, *, address: str) -> Pending:
    """The link of an invitation SMS: send a code to the invited person's number."""
    invitation = (
        Invitation.objects.select_related("person")
        .filter(token=token, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or _person_for(invitation.person.phone) is None:
        raise AccessError(INVITATION_INVALID)
    return _request_for_phone(
        invitation.person.phone, address=address, method=SignInMethod.INVITATION
    )


# --- checking a code ---------------------------------------------------------------------------
def check_code(pending: Pending, typed: str) -> Person:
    """The signed-in person, or AccessError (wrong, expired, used, replaced, too many tries)."""
    typed = "".join(typed.split())
    if len(typed) != CODE_LENGTH or not typed.isdigit():
        raise AccessError(CODE_FORMAT)
    now = timezone.now()
    person = _person_for(pending.phone)
    if person is None:
        return _unknown_number(pending)
    with transaction.atomic():
        codes = list(
            SignInCode.objects.select_for_update()
            .filter(person=person, created_at__gte=now - timedelta(days=1))
            .order_by("-created_at")
        )
        typed_hash = hash_code(person.pk, typed)
        latest = codes[0] if codes else None
        if latest is None:
            raise AccessError(EXPIRED)
        for record in codes:
            if not hmac.compare_digest(record.code_hash, typed_hash):
                continue
            if record.used_at is not None:
                raise AccessError(USED)
            if record is not latest:
                raise AccessError(REPLACED)
            if record.closed_at is not None:
                raise AccessError(NO_MORE_TRIES)
            if record.expires_at <= now:
                raise AccessError(EXPIRED)
            record.used_at = now
            record.save(update_fields=["used_at"])
            SignIn.objects.create(person=person, method=pending.method, at=now)
            return person
        # Wrong code: counts against the latest live code only.
        if latest.used_at is not None or latest.closed_at is not None:
            raise AccessError(NO_MORE_TRIES if latest.closed_at else NEED_NEW)
        if latest.expires_at <= now:
            raise AccessError(EXPIRED)
        latest.attempts += 1
        if latest.attempts >= CODE_MAX_ATTEMPTS:
            latest.closed_at = now
        latest.save(update_fields=["attempts", "closed_at"])
        left = CODE_MAX_ATTEMPTS - latest.attempts
    if left <= 0:
        raise AccessError(NO_MORE_TRIES)
    raise AccessError(WRONG_CODE.format(left=left, s="s" if left > 1 else ""))


def _unknown_number(pending: Pending):
    """Behave as for a known number whose code is never typed right (attempts in the session)."""
    if pending.expired:
        raise AccessError(EXPIRED)
    if pending.attempts >= CODE_MAX_ATTEMPTS:
        raise AccessError(NO_MORE_TRIES)
    pending.attempts += 1
    left = CODE_MAX_ATTEMPTS - pending.attempts
    if left <= 0:
        raise AccessError(NO_MORE_TRIES)
    raise AccessError(WRONG_CODE.format(left=left, s="s" if left > 1 else ""))


# --- invitations -------------------------------------------------------------------------------
class InvitationError(ValueError):
    """The invitation cannot be sent (message in French, for the agent)."""


@audited
def send_invitation(person: Person, *, acting_user) -> Invitation:
    """An SMS with a link that sends the person a sign-in code (valid INVITATION_VALIDITY_DAYS)."""
    if _person_for(person.phone) is None:
        raise InvitationError(
            "Impossible d'inviter cette personne : elle n'a pas de numéro de portable "
            "qui reçoit les SMS."
        )
    jurisdiction = connection.tenant
    if getattr(jurisdiction, "status", None) != "live":
        raise InvitationError("L'espace personnel ouvrira quand la juridiction sera en service.")
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            person=person,
            sent_by=acting_user,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_VALIDITY_DAYS),
        )
        link = portal_link(f"/mon-espace/invitation/{invitation.token}/")
        text = (
            f"{jurisdiction.display_name} : vos rendez-vous sont sur votre espace personnel. "
            f"Ouvrez ce lien pour recevoir un code : {link}"
        )
        invitation.sms = queue_portal_sms(person, PortalSmsKind.INVITATION, text)
        invitation.save(update_fields=["sms"])
    return invitation
