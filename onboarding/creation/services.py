"""Operations of a jurisdiction's creation (public schema): creation requests, branding, the test
SMS, the review of the SMS texts, going live. Views call these; they never write the models
themselves (the worker's part of a creation: preparation.py)."""

import base64
import hmac
import logging
import secrets
from dataclasses import fields

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from jurisdiction_apps.core.digests import keyed_digest
from jurisdiction_apps.core.phones import PhoneError, parse_phone
from jurisdiction_apps.notifications.models import TemplateOverride
from jurisdiction_apps.notifications.providers import (
    Outcome,
    OutgoingSms,
    ProviderError,
    get_provider,
)
from jurisdiction_apps.notifications.services import schedule_missing_reminders
from onboarding.models import CreationRequest, TestSms
from shared.sms_texts.encoding import UCS2, measure
from tenants.constants import JurisdictionStatus
from tenants.models import Jurisdiction, JurisdictionEvent
from tenants.services import (
    JurisdictionSpec,
    OnboardingAccessRefused,
    grant_onboarding_access,
    set_status,
)

from . import checklist, tasks
from .preparation import save_logo

logger = logging.getLogger(__name__)

TEST_SMS_ATTEMPTS = 5
SPEC_FIELDS = {field.name for field in fields(JurisdictionSpec)}


class OnboardingError(Exception):
    """An operation refused; the message is French and meant for the deployment officer."""


# --- creation ------------------------------------------------------------------------------------
def request_creation(data: dict, *, logo: tuple[str, bytes] | None = None, acting_user):
    """Record the request and queue its task after commit. ``data`` holds JurisdictionSpec's
    fields (validated by the form); ``logo`` is (extension, content), already checked."""
    spec = {key: value for key, value in data.items() if key in SPEC_FIELDS}
    spec["domains"] = list(spec.get("domains") or ())
    if logo is not None:
        spec["logo"] = {"ext": logo[0], "data": base64.b64encode(logo[1]).decode("ascii")}
    with transaction.atomic():
        creation = CreationRequest.objects.create(
            slug=spec["slug"], spec=spec, requested_by=acting_user
        )
        transaction.on_commit(lambda: tasks.create_jurisdiction_task.delay(creation.pk))
    return creation


def _delete_logo_file(jurisdiction: Jurisdiction, name: str) -> None:
    if not name:
        return
    with tenant_context(jurisdiction):
        try:
            jurisdiction.logo.storage.delete(name)
        except OSError:  # a file already gone is no reason to fail
            logger.warning("logo %s of %s could not be deleted", name, jurisdiction.slug)


def update_branding(
    jurisdiction: Jurisdiction,
    *,
    brand_name: str,
    primary_colour: str,
    logo: tuple[str, bytes] | None = None,
    remove_logo: bool = False,
    acting_user,
) -> JurisdictionEvent | None:
    """Change the banner name, colour and logo (replaced by ``logo``, an already checked
    (extension, content), or removed). Records what changed in a jurisdiction event; None when
    nothing changed. The previous logo file is deleted once the change is committed."""
    with transaction.atomic():
        locked = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
        changes: dict[str, dict] = {}
        for field, value in (("brand_name", brand_name), ("primary_colour", primary_colour)):
            if getattr(locked, field) != value:
                changes[field] = {"from": getattr(locked, field), "to": value}
                setattr(locked, field, value)
        previous_logo = locked.logo.name or ""
        if logo is not None:
            save_logo(locked, *logo)
            changes["logo"] = {"from": previous_logo, "to": locked.logo.name}
        elif remove_logo and previous_logo:
            locked.logo = ""
            changes["logo"] = {"from": previous_logo, "to": ""}
        if not changes:
            return None
        new_logo = locked.logo.name if logo is not None else ""
        try:
            locked.save(update_fields=list(changes))
            event = JurisdictionEvent.objects.create(
                jurisdiction=locked,
                kind=JurisdictionEvent.Kind.BRANDING_CHANGED,
                actor=acting_user,
                details=changes,
            )
        except Exception:
            _delete_logo_file(locked, new_logo)  # the row never pointed at it
            raise
        if "logo" in changes:
            transaction.on_commit(lambda: _delete_logo_file(locked, previous_logo))
    jurisdiction.refresh_from_db()
    return event


# --- test SMS ------------------------------------------------------------------------------------
def _code_hash(test_sms_key: str, code: str) -> str:
    return keyed_digest(f"onboarding-test-sms:{test_sms_key}:{code}")


def _key(jurisdiction, phone: str) -> str:
    return f"{jurisdiction.pk}:{phone}"


def send_test_sms(jurisdiction: Jurisdiction, phone: str, *, acting_user) -> TestSms:
    """Send a 6-digit code to the officer's mobile through the jurisdiction's first provider."""
    try:
        parsed = parse_phone(phone, jurisdiction.phone_region)
    except PhoneError as error:
        raise OnboardingError(str(error)) from error
    if not parsed.is_mobile:
        raise OnboardingError("Ce numéro est une ligne fixe : indiquez votre téléphone portable.")
    providers = jurisdiction.sms_provider_order
    if not providers:
        raise OnboardingError("Aucun fournisseur SMS n'est configuré pour cette juridiction.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    text = (
        f"Suivi justice - {jurisdiction.name} : votre code de test est {code}. "
        "Saisissez-le sur la liste de mise en service."
    )
    cost = measure(text)
    with transaction.atomic():
        test_sms = TestSms.objects.create(
            jurisdiction=jurisdiction,
            phone=parsed.e164,
            code_hash=_code_hash(_key(jurisdiction, parsed.e164), code),
            provider=providers[0],
            sent_by=acting_user,
        )
        try:
            result = get_provider(providers[0]).send(
                OutgoingSms(
                    reference=f"test.{jurisdiction.pk}.{test_sms.pk}",
                    phone=parsed.e164,
                    text=text,
                    sender=jurisdiction.sms_sender_name,
                    segments=cost.segments,
                    unicode=cost.encoding == UCS2,
                )
            )
        except ProviderError as error:
            raise OnboardingError(
                f"Le fournisseur SMS « {providers[0]} » n'est pas utilisable : {error}."
            ) from error
        if result.outcome != Outcome.ACCEPTED:
            # Leaving the atomic block by this exception removes the row: nothing was sent.
            raise OnboardingError(
                f"Le fournisseur SMS « {providers[0]} » n'a pas accepté le SMS de test"
                + (f" ({result.detail})." if result.detail else ".")
                + " Vérifiez le numéro ou réessayez."
            )
        test_sms.provider_message_id = result.provider_message_id[:64]
        test_sms.save(update_fields=["provider_message_id"])
    return test_sms


def confirm_test_sms(jurisdiction: Jurisdiction, code: str, *, acting_user) -> TestSms:
    """The officer typed back the code: the latest test SMS is received, or one attempt is spent."""
    with transaction.atomic():
        test_sms = (
            TestSms.objects.select_for_update()
            .filter(jurisdiction=jurisdiction, confirmed_at__isnull=True)
            .order_by("-sent_at", "-pk")
            .first()
        )
        if test_sms is None:
            raise OnboardingError("Aucun SMS de test en attente : envoyez-en un.")
        if test_sms.attempts >= TEST_SMS_ATTEMPTS:
            raise OnboardingError("Trop de codes erronés : envoyez un nouveau SMS de test.")
        typed = "".join((code or "").split())
        matches = hmac.compare_digest(
            test_sms.code_hash, _code_hash(_key(jurisdiction, test_sms.phone), typed)
        )
        if matches:
            test_sms.confirmed_at = timezone.now()
            test_sms.save(update_fields=["confirmed_at"])
            return test_sms
        # The spent attempt commits: the error is raised once out of the transaction.
        test_sms.attempts += 1
        test_sms.save(update_fields=["attempts"])
    left = TEST_SMS_ATTEMPTS - test_sms.attempts
    if left <= 0:
        raise OnboardingError("Code erroné. Trop de codes erronés : envoyez un nouveau SMS.")
    raise OnboardingError(f"Code erroné. Il vous reste {left} essai{'s' if left > 1 else ''}.")


# --- the officer's pages on the jurisdiction host (ADR 0017) -------------------------------------
def open_access(jurisdiction: Jurisdiction, *, acting_user):
    """Open (or keep) the officer's temporary access to the jurisdiction being opened; the
    membership (None when the officer is already a member). Recorded as a jurisdiction event."""
    try:
        return grant_onboarding_access(jurisdiction, acting_user)
    except OnboardingAccessRefused as error:
        raise OnboardingError(str(error)) from error


# --- SMS texts review ----------------------------------------------------------------------------
def confirm_sms_review(jurisdiction: Jurisdiction, *, acting_user) -> JurisdictionEvent:
    """The officer read the jurisdiction's SMS texts (its own and the national ones it uses)."""

    with tenant_context(jurisdiction):
        overrides = TemplateOverride.objects.count()
    return JurisdictionEvent.objects.create(
        jurisdiction=jurisdiction,
        kind=checklist.SMS_TEXTS_REVIEWED,
        actor=acting_user,
        details={"overrides": overrides},
    )


# --- going live ----------------------------------------------------------------------------------
def go_live(jurisdiction: Jurisdiction, *, acting_user, override_reason: str = ""):
    """onboarding → live when the checklist is complete, or with a written reason (recorded with
    the missing items). Reminders of future appointments without one are scheduled now."""

    reason = (override_reason or "").strip()
    if jurisdiction.status != JurisdictionStatus.ONBOARDING:
        raise OnboardingError("Cette juridiction n'est pas en cours d'ouverture.")
    state = checklist.compute(jurisdiction)
    if not state.complete and not reason:
        raise OnboardingError(
            "La liste de mise en service n'est pas complète : indiquez la raison de passer outre."
        )
    with transaction.atomic():
        live = set_status(
            jurisdiction, JurisdictionStatus.LIVE, acting_user=acting_user, reason=reason
        )
        with tenant_context(live):
            scheduled = schedule_missing_reminders()
        event = (
            JurisdictionEvent.objects.filter(
                jurisdiction=live, kind=JurisdictionEvent.Kind.STATUS_CHANGED
            )
            .order_by("-at", "-pk")
            .first()
        )
        event.details = {
            **event.details,
            "override": not state.complete,
            "missing": state.missing,
            "reminders_scheduled": scheduled,
        }
        event.save(update_fields=["details"])
    return live, scheduled
