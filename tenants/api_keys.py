"""API keys of a jurisdiction (issue 20): created, rotated and revoked by its local admins.

Each key acts as a service account: a user without password (``is_service_account``) whose one
membership in the jurisdiction carries the role chosen for the key. The API's permission classes
read that membership like an agent's, so a key may do exactly what the role may do on the pages.
The full key is returned once, at creation or rotation; only its hash and prefix are stored.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Jurisdiction, JurisdictionAPIKey, Membership

SERVICE_ACCOUNT_DOMAIN = "api.invalid"  # RFC 2606: never a deliverable address


class APIKeyError(Exception):
    """A refused operation on a key, with a French message for the page."""


def _service_account(jurisdiction: Jurisdiction, name: str, prefix: str):
    return get_user_model().objects.create_user(
        email=f"cle-{prefix.lower()}@{SERVICE_ACCOUNT_DOMAIN}",
        password=None,  # unusable: a service account never signs in
        first_name="Clé d'API",
        last_name=name[:150],
        is_service_account=True,
    )


def create_key(
    jurisdiction: Jurisdiction,
    *,
    name: str,
    role: str,
    expiry_date: datetime | None,
    created_by,
    key: str | None = None,
) -> tuple[JurisdictionAPIKey, str]:
    """A new key and its service account (member of ``jurisdiction`` with ``role``). Returns the
    key row and the full key, which is never readable again. ``key`` (``prefix.secret``) is for
    the demo seed only, whose key must be known in advance."""
    api_key = JurisdictionAPIKey(
        jurisdiction=jurisdiction, name=name, expiry_date=expiry_date, created_by=created_by
    )
    key = _assign(api_key, key)
    with transaction.atomic():
        account = _service_account(jurisdiction, name, api_key.prefix)
        Membership.objects.create(user=account, jurisdiction=jurisdiction, role=role)
        api_key.service_account = account
        api_key.save()
    return api_key, key


def _assign(api_key: JurisdictionAPIKey, key: str | None) -> str:
    manager = JurisdictionAPIKey.objects
    if key is None:
        return manager.assign_key(api_key)
    prefix, _, _ = key.partition(".")
    api_key.prefix = prefix
    api_key.hashed_key = manager.key_generator.hash(key)
    api_key.id = f"{prefix}.{api_key.hashed_key}"
    return key


def rotate_key(api_key: JurisdictionAPIKey, *, acting_user) -> tuple[JurisdictionAPIKey, str]:
    """Revoke ``api_key`` and give its service account (same role, same audit identity) a new
    key with the same name and expiry date."""
    with transaction.atomic():
        locked = JurisdictionAPIKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked:
            raise APIKeyError("Cette clé est déjà révoquée : créez-en une nouvelle.")
        _revoke(locked, acting_user)
        new = JurisdictionAPIKey(
            jurisdiction=locked.jurisdiction,
            name=locked.name,
            expiry_date=locked.expiry_date,
            service_account=locked.service_account,
            created_by=acting_user,
        )
        key = JurisdictionAPIKey.objects.assign_key(new)
        new.save()
    return new, key


def revoke_key(api_key: JurisdictionAPIKey, *, acting_user=None) -> None:
    """Refuse the key from now on. Its service account keeps its membership while another key of
    the account is usable (a rotation in progress); otherwise the membership ends too."""
    with transaction.atomic():
        locked = JurisdictionAPIKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked:
            raise APIKeyError("Cette clé est déjà révoquée.")
        _revoke(locked, acting_user)
        still_used = JurisdictionAPIKey.objects.filter(
            service_account_id=locked.service_account_id, revoked=False
        ).exists()
        if not still_used:
            Membership.objects.active().filter(
                user_id=locked.service_account_id, jurisdiction_id=locked.jurisdiction_id
            ).update(is_active=False)


def _revoke(api_key: JurisdictionAPIKey, acting_user) -> None:
    api_key.revoked = True
    api_key.revoked_at = timezone.now()
    api_key.revoked_by = acting_user
    api_key.save(update_fields=["revoked", "revoked_at", "revoked_by"])


def role_of(api_key: JurisdictionAPIKey) -> str | None:
    membership = (
        Membership.objects.filter(
            user_id=api_key.service_account_id, jurisdiction_id=api_key.jurisdiction_id
        )
        .order_by("-is_active", "-created_at")
        .first()
    )
    return membership.role if membership else None
