"""Operations on jurisdictions. Views, commands and tasks call these, never re-implement them."""

import functools
import hashlib
import inspect
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from . import cloning
from .constants import JurisdictionStatus, Role
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


# --- the template schema (docs/adr/0013) ---------------------------------------------------------
# A schema holding every migration and nothing of any jurisdiction, cloned for each new one. Its
# PostgreSQL comment is the key of the migrations it was built from: when the migration files
# change, the next creation (or `ensure_template_schema`) rebuilds it before cloning.
TEMPLATE_SCHEMA = "template_jurisdiction"
# Advisory lock around the template: exclusive to rebuild it, shared to clone it.
_TEMPLATE_LOCK = 730_013
CLONE = "clone"
MIGRATE = "migrate"


@functools.cache
def migrations_key() -> str:
    """A digest of every migration file (names and contents): the template's version."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for app_label, name in sorted(loader.disk_migrations):
        migration = loader.disk_migrations[(app_label, name)]
        digest.update(f"{app_label}.{name}\n".encode())
        source = inspect.getsourcefile(sys.modules[type(migration).__module__])
        if source:
            digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:40]


def _template_row() -> tuple[int, str] | None:
    """The template schema's oid and the key it was built for (None: no template)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oid, coalesce(obj_description(oid, 'pg_namespace'), '') FROM pg_namespace "
            "WHERE nspname = %s",
            [TEMPLATE_SCHEMA],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def template_schema_key() -> str | None:
    """The key the template schema was built for (None: no template)."""
    row = _template_row()
    return row[1] if row else None


def ensure_template_schema(*, force: bool = False) -> bool:
    """Build the template schema if it is missing or older than the migrations (True if built).

    Runs the jurisdiction migrations once (seconds); every creation after that is a clone.
    """
    key = migrations_key()
    if not force and template_schema_key() == key:
        return False
    connection.set_schema_to_public()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TEMPLATE_LOCK])
        if not force and template_schema_key() == key:  # built meanwhile by another process
            return False
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{TEMPLATE_SCHEMA}" CASCADE')
            cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=TEMPLATE_SCHEMA,
            interactive=False,
            verbosity=0,
        )
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            # The key is hexadecimal: safe inside the literal COMMENT requires.
            cursor.execute(f"COMMENT ON SCHEMA \"{TEMPLATE_SCHEMA}\" IS '{key}'")
    return True


# The template's clone plan (its DDL, docs/adr/0021), per template schema (oid) and key: built
# once per process and per template, replayed by every creation.
_template_plans: dict[tuple[int, str], cloning.ClonePlan] = {}


def _clone_template(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_TEMPLATE_LOCK])
    row = _template_row()
    if row is None or row[1] != migrations_key():
        raise RuntimeError("the template schema changed during the creation: try again")
    plan = _template_plans.get(row)
    if plan is None:
        plan = cloning.plan_clone(TEMPLATE_SCHEMA, only_filled_tables=True)
        _template_plans.clear()
        _template_plans[row] = plan
    cloning.replay_clone(plan, schema_name)
    connection.set_schema_to_public()


def create_jurisdiction(
    spec: JurisdictionSpec, *, acting_user=None, method: str = CLONE
) -> tuple[Jurisdiction, float]:
    """Create a jurisdiction, its domains and its schema, all or nothing.

    The schema is a clone of the template schema (rebuilt first when the migrations changed);
    ``method=MIGRATE`` runs the migrations instead (the benchmark's comparison). Returns the
    jurisdiction and the seconds spent preparing the schema. Never call it from a web request
    (onboarding runs it in Celery).
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
        raise ValidationError({"slug": "Cet identifiant a déjà servi : choisissez-en un autre."})

    if method == CLONE:
        ensure_template_schema()
    with transaction.atomic():
        jurisdiction.save()
        for index, domain in enumerate(domains):
            Domain.objects.create(domain=domain, tenant=jurisdiction, is_primary=index == 0)
        started = time.perf_counter()
        if method == CLONE:
            _clone_template(jurisdiction.schema_name)
        else:
            jurisdiction.create_schema(check_if_exists=False, verbosity=0)
        elapsed = time.perf_counter() - started
        jurisdiction_schema_ready.send(sender=Jurisdiction, jurisdiction=jurisdiction)
        JurisdictionEvent.objects.create(
            jurisdiction=jurisdiction,
            kind=JurisdictionEvent.Kind.CREATED,
            actor=acting_user,
            details={
                "schema": jurisdiction.schema_name,
                "seconds": round(elapsed, 3),
                "method": method,
            },
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
        if previous == JurisdictionStatus.ONBOARDING:
            end_onboarding_access(locked, acting_user=acting_user, reason=status)
    return locked


# --- the deployment officer's temporary access (ADR 0017) -----------------------------------
class OnboardingAccessRefused(Exception):
    """The temporary access cannot be opened; the message is French."""


def grant_onboarding_access(jurisdiction: Jurisdiction, user) -> Membership | None:
    """Open to ``user`` (a deployment officer) the pages of places, agendas, slot templates and
    SMS texts of a jurisdiction being opened: an active membership marked ``onboarding_access``,
    recorded as a jurisdiction event. Idempotent. None when the user is already a member of the
    jurisdiction (a real membership: nothing to open)."""
    with transaction.atomic():
        locked = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
        if locked.status != JurisdictionStatus.ONBOARDING:
            raise OnboardingAccessRefused(
                "Cette juridiction n'est plus en cours d'ouverture : l'accès temporaire de mise "
                "en service est fermé. Demandez à son administrateur local de vous ajouter."
            )
        existing = Membership.objects.active().filter(user=user, jurisdiction=locked).first()
        if existing is not None:
            return existing if existing.onboarding_access else None
        membership = Membership.objects.create(
            user=user, jurisdiction=locked, role=Role.LOCAL_ADMIN, onboarding_access=True
        )
        JurisdictionEvent.objects.create(
            jurisdiction=locked,
            kind=JurisdictionEvent.Kind.ONBOARDING_ACCESS_GRANTED,
            actor=user,
            details={"user_id": user.pk, "membership_id": membership.pk},
        )
    return membership


def end_onboarding_access(jurisdiction: Jurisdiction, *, acting_user=None, reason: str = "") -> int:
    """Close every temporary access to ``jurisdiction`` (at go-live: ``set_status`` calls it),
    one jurisdiction event each. Returns how many were closed."""
    ended = 0
    with transaction.atomic():
        for membership in Membership.objects.active().filter(
            jurisdiction=jurisdiction, onboarding_access=True
        ):
            membership.is_active = False
            membership.save(update_fields=["is_active"])
            JurisdictionEvent.objects.create(
                jurisdiction=jurisdiction,
                kind=JurisdictionEvent.Kind.ONBOARDING_ACCESS_ENDED,
                actor=acting_user,
                details={
                    "user_id": membership.user_id,
                    "membership_id": membership.pk,
                    "reason": reason,
                },
            )
            ended += 1
    return ended


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
