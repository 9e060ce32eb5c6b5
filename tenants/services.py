"""Operations on jurisdictions. Views, commands and tasks call these, never re-implement them."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from .constants import JurisdictionStatus
from .models import Domain, Jurisdiction, JurisdictionEvent, Membership
from .signals import jurisdiction_schema_ready


@dataclass(frozen=True)
class JurisdictionSpec:
    slug: str
    name: str
    domains: tuple[str, ...] = ()
    tj_name: str = ""
    spip_name: str = ""
    departements: str = ""
    time_zone: str = "Europe/Paris"
    phone_region: str = "FR"
    sms_sender_name: str = "JUSTICE"
    primary_colour: str = "#000091"
    brand_name: str = ""
    status: str = JurisdictionStatus.ONBOARDING


def schema_name_for(slug: str) -> str:
    return "j_" + slug.replace("-", "_")


def default_domain_for(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def create_jurisdiction(spec: JurisdictionSpec, *, acting_user=None) -> tuple[Jurisdiction, float]:
    """Create a jurisdiction, its domains and its schema (migrated), all or nothing.

    Returns the jurisdiction and the seconds spent preparing the schema. Never call it from a web
    request: preparing the schema runs the jurisdiction migrations (onboarding runs it in Celery).
    """
    domains = spec.domains or (default_domain_for(spec.slug),)
    jurisdiction = Jurisdiction(
        schema_name=schema_name_for(spec.slug),
        slug=spec.slug,
        name=spec.name,
        tj_name=spec.tj_name,
        spip_name=spec.spip_name,
        departements=spec.departements,
        time_zone=spec.time_zone,
        phone_region=spec.phone_region,
        sms_sender_name=spec.sms_sender_name,
        primary_colour=spec.primary_colour,
        brand_name=spec.brand_name,
        status=spec.status,
        went_live_at=timezone.now() if spec.status == JurisdictionStatus.LIVE else None,
    )
    if Jurisdiction.objects.filter(slug=spec.slug).exists():
        raise ValidationError({"slug": f"Une juridiction a déjà l'identifiant « {spec.slug} »."})
    jurisdiction.full_clean(exclude=["schema_name"])
    taken = Domain.objects.filter(domain__in=domains).values_list("domain", flat=True)
    if taken:
        raise ValidationError({"domains": f"Domaine déjà utilisé : {', '.join(sorted(taken))}."})
    if schema_exists(jurisdiction.schema_name):
        raise ValidationError(
            {"slug": "Un schéma porte déjà ce nom : choisissez un autre identifiant."}
        )

    with transaction.atomic():
        jurisdiction.save()
        for index, domain in enumerate(domains):
            Domain.objects.create(domain=domain, tenant=jurisdiction, is_primary=index == 0)
        started = time.perf_counter()
        jurisdiction.create_schema(check_if_exists=False, verbosity=0)
        elapsed = time.perf_counter() - started
        jurisdiction_schema_ready.send(sender=Jurisdiction, jurisdiction=jurisdiction)
        JurisdictionEvent.objects.create(
            jurisdiction=jurisdiction,
            kind=JurisdictionEvent.Kind.CREATED,
            actor=acting_user,
            details={"schema": jurisdiction.schema_name, "seconds": round(elapsed, 3)},
        )
    return jurisdiction, elapsed


def set_status(jurisdiction: Jurisdiction, status: str, *, acting_user=None, reason: str = ""):
    with transaction.atomic():
        locked = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
        previous = locked.status
        if previous == status:
            return locked
        locked.status = status
        if status == JurisdictionStatus.LIVE and locked.went_live_at is None:
            locked.went_live_at = timezone.now()
        locked.save(update_fields=["status", "went_live_at"])
        JurisdictionEvent.objects.create(
            jurisdiction=locked,
            kind=JurisdictionEvent.Kind.STATUS_CHANGED,
            actor=acting_user,
            details={"from": previous, "to": status, "reason": reason},
        )
    return locked


def grant_membership(user, jurisdiction: Jurisdiction, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``jurisdiction`` (updates the role of an active membership)."""
    membership, _ = Membership.objects.update_or_create(
        user=user, jurisdiction=jurisdiction, is_active=True, defaults={"role": role}
    )
    return membership


def ensure_public_tenant() -> Jurisdiction:
    """The row that stands for the public schema, with the national host as its domain."""
    public, _ = Jurisdiction.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={
            "slug": "national",
            "name": "Plateforme nationale",
            "status": JurisdictionStatus.LIVE,
        },
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": public, "is_primary": True}
    )
    return public
