"""Which account a verified ProConnect identity signs in to. Never creates a user nor a
membership: accounts are opened by the service (invitation, import)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tenants.models import Domain, Jurisdiction, Membership

from ..models import ProConnectIdentity
from .client import VerifiedSignIn

logger = logging.getLogger("accounts.proconnect")


class SignInRefused(Exception):
    """``kind``: email_unverified, unknown_account, refused (every other case, worded as a failed
    sign-in: an inactive account, a conflict, no membership on the host)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def jurisdiction_for_domain(domain: str) -> Jurisdiction | None:
    """The jurisdiction of a known domain; None for an unknown one or the public host's."""
    row = (
        Domain.objects.select_related("tenant")
        .filter(domain=domain.lower())
        .exclude(tenant__schema_name=settings.PUBLIC_SCHEMA_NAME)
        .first()
    )
    return row.tenant if row else None


def email_is_verified(sign_in: VerifiedSignIn) -> bool:
    value = sign_in.userinfo.get("email_verified", sign_in.id_claims.get("email_verified"))
    if value is None:
        return settings.PROCONNECT_EMAIL_VERIFIED_WHEN_ABSENT
    return value is True or (isinstance(value, str) and value.lower() == "true")


def resolve_account(sign_in: VerifiedSignIn, jurisdiction: Jurisdiction | None):
    """The active account of this identity, allowed on the host asked; raises SignInRefused."""
    email = str(sign_in.userinfo.get("email") or "").strip()
    sub = str(sign_in.id_claims.get("sub") or "")
    if not email or not sub:
        raise SignInRefused("refused")
    if not email_is_verified(sign_in):
        raise SignInRefused("email_unverified")
    users = get_user_model().objects
    by_email = users.filter(email__iexact=email).first()
    identity = ProConnectIdentity.objects.select_related("user").filter(sub=sub).first()
    if identity is not None:
        user = identity.user
        if by_email is not None and by_email.pk != user.pk:
            logger.warning("proconnect sign-in refused: identity linked to another account")
            raise SignInRefused("refused")
    elif by_email is not None:
        user = by_email
    else:
        raise SignInRefused("unknown_account")
    if not user.is_active:
        raise SignInRefused("refused")
    if jurisdiction is not None and not Membership.objects.for_host(user, jurisdiction).exists():
        raise SignInRefused("refused")
    return user


@transaction.atomic
def record_identity(user, sign_in: VerifiedSignIn) -> ProConnectIdentity:
    info = sign_in.userinfo
    identity, _ = ProConnectIdentity.objects.update_or_create(
        sub=str(sign_in.id_claims["sub"]),
        defaults={
            "user": user,
            "uid": str(info.get("uid") or "")[:255],
            "siret": str(info.get("siret") or "")[:14],
            "given_name": str(info.get("given_name") or "")[:255],
            "usual_name": str(info.get("usual_name") or "")[:255],
            "idp_id": str(info.get("idp_id") or sign_in.id_claims.get("idp_id") or "")[:255],
            "last_acr": sign_in.acr[:255],
            "last_login_at": timezone.now(),
        },
    )
    return identity
