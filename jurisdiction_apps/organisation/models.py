"""Services, places, agendas and appointment types of one jurisdiction."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MinValueValidator
from django.db import models

from jurisdiction_apps.core.archiving import Archivable, ArchivableQuerySet, audited_events
from shared.sms_texts.encoding import normalise_lookalikes
from tenants.constants import Role
from tenants.urls_helpers import platform_url

from .constants import BookingMode, ContactMethod, PlaceKind, ServiceKind


class Service(models.Model):
    kind = models.CharField("type", max_length=8, choices=ServiceKind.choices)
    name = models.CharField("nom", max_length=200)

    class Meta:
        verbose_name = "service"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class AppointmentTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def bookable_by(self, role: str):
        """Types a role may book: its own, or any for a local admin."""
        if role == Role.LOCAL_ADMIN:
            return self.active()
        return self.active().filter(booking_roles__contains=[role])


class AppointmentType(models.Model):
    """A kind of convocation. Data, never code: behaviour hangs on its flags."""

    code = models.SlugField("code", max_length=60, unique=True)
    label = models.CharField("libellé", max_length=120)
    plain_label = models.CharField(
        "libellé pour la personne",
        max_length=160,
        blank=True,
        help_text="Le nom du rendez-vous en mots simples, pour les SMS et le portail.",
    )
    service_kind = models.CharField("service", max_length=8, choices=ServiceKind.choices)
    booking_mode = models.CharField(
        "réservation", max_length=12, choices=BookingMode.choices, default=BookingMode.SLOT
    )
    weekend_allowed = models.BooleanField("possible le week-end", default=False)
    booking_roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices),
        verbose_name="rôles qui réservent",
        default=list,
        blank=True,
    )
    address_visible = models.BooleanField("adresse visible par la personne", default=True)
    reminder_delay_hours = models.PositiveSmallIntegerField(
        "délai du rappel (heures)", default=48, validators=[MinValueValidator(1)]
    )
    needs_case_number = models.BooleanField("numéro de parquet demandé", default=False)
    default_duration_minutes = models.PositiveSmallIntegerField("durée par défaut", default=30)
    is_active = models.BooleanField("actif", default=True)

    objects = AppointmentTypeQuerySet.as_manager()

    class Meta:
        verbose_name = "type de rendez-vous"
        ordering = ["service_kind", "label"]

    def __str__(self) -> str:
        return self.label

    @property
    def books_on_slots(self) -> bool:
        return self.booking_mode == BookingMode.SLOT


class PlaceQuerySet(ArchivableQuerySet):
    def offering(self, appointment_type):
        return self.active().filter(appointment_types=appointment_type)


@pghistory.track(*audited_events(), model_name="PlaceAudit")
class Place(Archivable):
    """Where an appointment happens: an office, the person's home, or by phone."""

    kind = models.CharField(
        "nature", max_length=8, choices=PlaceKind.choices, default=PlaceKind.OFFICE
    )
    service = models.ForeignKey(
        Service, verbose_name="service", null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField("nom", max_length=200)
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=120, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    main_contact_method = models.CharField(
        "moyen de contact principal",
        max_length=8,
        choices=ContactMethod.choices,
        default=ContactMethod.PHONE,
    )
    access_notes = models.TextField("accès", blank=True)
    # The national "préparer ma convocation" page of this place (public schema, no database
    # constraint across schemas: a page is unpublished, never deleted, by the national team).
    service_page = models.ForeignKey(
        "public_site.ServicePage",
        verbose_name="fiche « préparer ma convocation »",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    info_url = models.URLField("autre page d'information", blank=True)
    appointment_types = models.ManyToManyField(
        AppointmentType,
        verbose_name="types de rendez-vous proposés",
        blank=True,
        related_name="places",
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu"
        ordering = ["name"]

    # Written in SMS: one typographic dash or quote would turn a whole SMS into UCS-2.
    SMS_FIELDS = ("name", "address", "city")

    def normalise_for_sms(self) -> None:
        """ "SPIP — antenne" → "SPIP - antenne" (normalise_lookalikes), before every save."""
        for name in self.SMS_FIELDS:
            setattr(self, name, normalise_lookalikes(getattr(self, name)))

    def clean(self):
        super().clean()
        self.normalise_for_sms()

    def save(self, *args, **kwargs):
        self.normalise_for_sms()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name

    @property
    def full_address(self) -> str:
        return ", ".join(
            part for part in (self.address, f"{self.postcode} {self.city}".strip()) if part
        )

    def info_link(self, departements: list[str] | tuple = ()) -> str:
        """The link of the SMS: the place's national page, else its own page, else the finder
        of the jurisdiction's département on the information site."""

        try:
            page = self.service_page
        except ObjectDoesNotExist:  # no constraint across schemas: a page removed in a shell
            page = None
        if page is not None and page.published:
            return platform_url(settings.PLATFORM_DOMAIN, page.get_absolute_url())
        if self.info_url:
            return self.info_url
        query = f"?departement={departements[0]}" if departements else ""
        return platform_url(settings.PLATFORM_DOMAIN, f"/preparer/{query}")


@pghistory.track(*audited_events(), model_name="AgendaAudit")
class Agenda(Archivable):
    place = models.ForeignKey(
        Place, verbose_name="lieu", on_delete=models.PROTECT, related_name="agendas"
    )
    name = models.CharField("nom", max_length=200)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        verbose_name = "agenda"
        ordering = ["place__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="unique_agenda_name_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.place.name} — {self.name}"
