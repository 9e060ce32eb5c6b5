"""The jurisdiction (the tenant), its domains, and the memberships of agents.

Memberships live in the public schema: identity is national (one agent, one account) and the
dashboard lists every jurisdiction of an agent without visiting each schema. See
docs/adr/0003-memberships-in-public-schema.md.
"""

import zoneinfo
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django_tenants.models import DomainMixin, TenantMixin

from .constants import ROLE_FAMILY, JurisdictionStatus, PhoneRegion, Role

sender_name_validator = RegexValidator(
    r"^(?=.*[A-Za-z])[A-Za-z0-9]{3,11}$",
    "Le nom d'expéditeur SMS compte de 3 à 11 lettres latines ou chiffres, sans espace ni accent, "
    "et pas uniquement des chiffres.",
)
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", "La couleur s'écrit en hexadécimal, par exemple #000091."
)
departement_validator = RegexValidator(
    r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8]|98[6-8])(,(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8]|98[6-8]))*$",
    "Indiquez les codes de département séparés par des virgules, par exemple 92 ou 974.",
)
providers_validator = RegexValidator(
    r"^(link|brevo)(,(link|brevo))*$",
    "Indiquez les fournisseurs séparés par des virgules, parmi : link, brevo.",
)
slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$",
    "L'identifiant court ne contient que des minuscules, chiffres et tirets (3 à 42 caractères).",
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Fuseau horaire inconnu : %(value)s.", params={"value": value})


class JurisdictionQuerySet(models.QuerySet):
    def tenants(self):
        """Every jurisdiction, without the row that stands for the public schema."""
        return self.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)

    def live(self):
        return self.tenants().filter(status=JurisdictionStatus.LIVE)


class Jurisdiction(TenantMixin):
    """One tribunal judiciaire and the SPIP (or antenna) that works with it."""

    slug = models.SlugField(
        "identifiant court", max_length=42, unique=True, validators=[slug_validator]
    )
    name = models.CharField("nom affiché", max_length=200)
    tj_name = models.CharField("nom du tribunal judiciaire", max_length=200, blank=True)
    spip_name = models.CharField("nom du SPIP", max_length=200, blank=True)
    departements = models.CharField(
        "départements", max_length=60, blank=True, validators=[departement_validator]
    )
    time_zone = models.CharField(
        "fuseau horaire", max_length=64, default="Europe/Paris", validators=[validate_time_zone]
    )
    phone_region = models.CharField(
        "région téléphonique", max_length=2, choices=PhoneRegion.choices, default=PhoneRegion.FR
    )
    sms_sender_name = models.CharField(
        "expéditeur des SMS", max_length=11, validators=[sender_name_validator], default="JUSTICE"
    )
    sms_quiet_start = models.TimeField(
        "pas de SMS à partir de", default=time(20, 0), help_text="Heure locale."
    )
    sms_quiet_end = models.TimeField(
        "pas de SMS avant", default=time(8, 0), help_text="Heure locale."
    )
    sms_providers = models.CharField(
        "fournisseurs SMS",
        max_length=40,
        blank=True,
        validators=[providers_validator],
        help_text="Dans l'ordre d'essai, séparés par des virgules (vide : ceux de la plateforme).",
    )
    brand_name = models.CharField("nom sur le bandeau", max_length=120, blank=True)
    # How other services reach this one about a person it follows (duplicate warnings and
    # transfers, issue 19): a service's switchboard and shared mailbox, never an agent's own.
    service_contact = models.CharField(
        "contact du service",
        max_length=200,
        blank=True,
        db_default="",
        help_text="Téléphone et adresse électronique du service, montrés aux autres juridictions.",
    )
    primary_colour = models.CharField(
        "couleur principale", max_length=7, default="#000091", validators=[colour_validator]
    )
    logo = models.ImageField("logo", upload_to="branding/", blank=True)
    status = models.CharField(
        "statut",
        max_length=20,
        choices=JurisdictionStatus.choices,
        default=JurisdictionStatus.ONBOARDING,
    )
    went_live_at = models.DateTimeField("mise en service", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Schemas are created by the management command or by a background task, never in a request.
    auto_create_schema = False
    auto_drop_schema = False

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = "juridiction"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def display_name(self) -> str:
        return self.brand_name or self.name

    @property
    def departement_list(self) -> list[str]:
        return [code for code in self.departements.split(",") if code]

    @property
    def sms_provider_order(self) -> list[str]:
        names = self.sms_providers or ",".join(settings.SMS_PROVIDER_ORDER)
        return [name for name in names.split(",") if name]

    def primary_domain_name(self) -> str | None:
        domain = self.domains.filter(is_primary=True).first() or self.domains.first()
        return domain.domain if domain else None


class Domain(DomainMixin):
    class Meta:
        verbose_name = "domaine"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_host(self, user, jurisdiction):
        return self.active().filter(user=user, jurisdiction=jurisdiction)


class Membership(models.Model):
    """An agent's role in one jurisdiction."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=32, choices=Role.choices)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # E.164, from the agents' import (or left empty): shown to colleagues in the agents' list.
    work_phone = models.CharField("téléphone professionnel", max_length=20, blank=True)
    # Shown to the people this agent follows, on their portal, only when the agent fills them in.
    portal_phone = models.CharField(
        "téléphone direct montré aux personnes suivies", max_length=20, blank=True
    )
    portal_email = models.EmailField("courriel direct montré aux personnes suivies", blank=True)
    # The deployment officer's temporary access to a jurisdiction being opened (ADR 0017): only
    # the pages of places, agendas, slot templates and SMS texts; ended at go-live.
    onboarding_access = models.BooleanField("accès temporaire de mise en service", default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "jurisdiction"],
                condition=Q(is_active=True),
                name="one_active_membership_per_jurisdiction",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.jurisdiction_id}: {self.role}"

    @property
    def family(self) -> str:
        return ROLE_FAMILY[self.role]


class JurisdictionEvent(models.Model):
    """History of a jurisdiction's life: creation, status changes (with who and why)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Création"
        STATUS_CHANGED = "status_changed", "Changement de statut"
        SMS_TEXTS_REVIEWED = "sms_texts_reviewed", "Textes des SMS relus"
        BRANDING_CHANGED = "branding_changed", "Identité visuelle modifiée"
        ONBOARDING_ACCESS_GRANTED = (
            "onboarding_access_granted",
            "Accès temporaire de mise en service ouvert",
        )
        ONBOARDING_ACCESS_ENDED = (
            "onboarding_access_ended",
            "Accès temporaire de mise en service fermé",
        )

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "événement de juridiction"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.kind}"


class IdempotencyKey(models.Model):
    """A request of the API sent with an ``Idempotency-Key`` header (issue 20): claimed in the
    transaction of the work it guards, with the answer given, so that a retry of the same request
    gets the same answer instead of doing the work twice (tenants/api/idempotency.py). Kept 24 h
    (IDEMPOTENCY_KEY_TTL_HOURS); the nightly retention job deletes the older ones."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "clé d'idempotence"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "user", "key"], name="one_idempotency_key_per_account"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.user_id} {self.key}"
