"""Content of the national information site (public schema), edited by the national team.

Every page is a row: information pages made of ordered sections, one "prepare your convocation"
page per court or probation site, and the reinsertion directory. Rich text is sanitised on save
(``RichTextField``); the rendered pages are cached and the cache is dropped on every edit
(``signals.py``).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .constants import (
    HUB_SLUGS,
    PHOTO_MAX_BYTES,
    RESERVED_SLUGS,
    PageCategory,
    PartnerCategory,
    SectionKind,
    ServiceKind,
)
from .geography import DEPARTEMENTS, search_key
from .richtext import RichTextField

RICH_HELP = "Paragraphes, gras, italique, listes et liens (les scripts et styles sont retirés)."


def validate_departement(code: str) -> None:
    if code not in DEPARTEMENTS:
        raise ValidationError(
            f"« {code} » n'est pas un code de département (exemples : 92, 2A, 974)."
        )


def validate_photo(photo) -> None:
    if photo and photo.size > PHOTO_MAX_BYTES:
        raise ValidationError("La photo dépasse 5 Mo : réduisez-la avant de l'envoyer.")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class InfoPage(models.Model):
    """A page of information ("comprendre", "à propos", the home and the section intros)."""

    slug = models.SlugField(
        "adresse de la page",
        max_length=80,
        unique=True,
        help_text="En minuscules, sans accent, avec des tirets : « sursis-probatoire ».",
        error_messages={"unique": "Une autre page utilise déjà cette adresse."},
    )
    title = models.CharField("titre", max_length=160)
    category = models.CharField("rubrique", max_length=16, choices=PageCategory.choices)
    summary = models.CharField(
        "résumé",
        max_length=300,
        blank=True,
        help_text="Une phrase simple, affichée sous le titre et dans les listes.",
    )
    intro = RichTextField("introduction", blank=True, help_text=RICH_HELP)
    position = models.PositiveSmallIntegerField("ordre dans la rubrique", default=0)
    published = models.BooleanField("publiée", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = "page d'information"
        verbose_name_plural = "pages d'information"
        ordering = ["category", "position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.category == PageCategory.HUB:
            return HUB_SLUGS[self.slug]
        if self.category == PageCategory.ABOUT:
            return reverse(
                "public_site:about", args=[self.slug], urlconf=settings.PUBLIC_SCHEMA_URLCONF
            )
        return reverse(
            "public_site:understand", args=[self.slug], urlconf=settings.PUBLIC_SCHEMA_URLCONF
        )

    def clean(self):
        self.slug = (self.slug or "").lower()
        if self.category == PageCategory.HUB and self.slug not in HUB_SLUGS:
            raise ValidationError(
                {
                    "slug": "Une page d'entrée a l'une de ces adresses : "
                    + ", ".join(sorted(HUB_SLUGS))
                    + "."
                }
            )
        if self.category != PageCategory.HUB and self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": f"L'adresse « {self.slug} » est réservée par le site : "
                    "choisissez-en une autre."
                }
            )
        clash = InfoPage.objects.filter(slug=self.slug).exclude(pk=self.pk).first()
        if clash is not None:
            raise ValidationError(
                {"slug": f"L'adresse « {self.slug} » est déjà celle de la page « {clash.title} »."}
            )

    def blocks(self) -> list[tuple[str, object]]:
        """The sections in order, consecutive questions gathered into one accordion group:
        [("questions", [section, ...]), ("legal", section), ...]."""
        blocks: list[tuple[str, object]] = []
        for section in self.sections.all():
            if section.kind != SectionKind.QUESTION:
                blocks.append((section.kind, section))
            elif blocks and blocks[-1][0] == "questions":
                blocks[-1][1].append(section)
            else:
                blocks.append(("questions", [section]))
        return blocks


class Section(models.Model):
    """One block of a page, in order: text, question and answer, legal wording, tip, warning."""

    page = models.ForeignKey(InfoPage, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    kind = models.CharField("nature", max_length=12, choices=SectionKind.choices)
    heading = models.CharField(
        "titre ou question",
        max_length=200,
        blank=True,
        help_text="La question, pour une question et réponse.",
    )
    body = RichTextField(
        "texte",
        blank=True,
        help_text="La réponse, l'explication en mots simples ou le contenu de l'encadré.",
    )
    legal_text = models.TextField(
        "texte de loi",
        blank=True,
        help_text="Le texte exact, recopié sans rien changer (bloc « texte de loi »).",
    )
    legal_reference = models.CharField(
        "référence",
        max_length=120,
        blank=True,
        help_text="Par exemple : article 132-44 du code pénal.",
    )

    class Meta:
        verbose_name = "bloc"
        verbose_name_plural = "blocs de la page"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.heading or self.get_kind_display()

    def clean(self):
        errors = {}
        if self.kind == SectionKind.QUESTION and not self.heading.strip():
            errors["heading"] = "Écrivez la question."
        if self.kind == SectionKind.LEGAL:
            if not self.legal_text.strip():
                errors["legal_text"] = "Recopiez le texte de loi."
            if not self.legal_reference.strip():
                errors["legal_reference"] = "Indiquez la référence du texte (article, code)."
        if not (self.body or "").strip():
            errors["body"] = (
                "Écrivez l'explication en mots simples."
                if self.kind == SectionKind.LEGAL
                else "Écrivez le texte du bloc."
            )
        if errors:
            raise ValidationError(errors)


class ServicePageQuerySet(PublishedQuerySet):
    def in_departement(self, code: str):
        return self.filter(departement=code)


class ServicePage(models.Model):
    """ "Préparer ma convocation": one page per court (application des peines) or SPIP site."""

    slug = models.SlugField(
        "adresse de la page",
        max_length=60,
        unique=True,
        help_text="Courte, elle figure dans les SMS : « spip-92-nanterre ».",
        error_messages={"unique": "Une autre fiche utilise déjà cette adresse."},
    )
    name = models.CharField("nom du service", max_length=200)
    kind = models.CharField("nature", max_length=8, choices=ServiceKind.choices)
    departement = models.CharField(
        "département", max_length=3, validators=[validate_departement], db_index=True
    )
    address = models.CharField("adresse", max_length=255)
    postcode = models.CharField("code postal", max_length=5)
    city = models.CharField("commune", max_length=120)
    city_key = models.CharField(max_length=120, editable=False, db_index=True)
    latitude = models.DecimalField(
        "latitude",
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        "longitude",
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    access = RichTextField("accès au bâtiment", blank=True, help_text=RICH_HELP)
    transport = RichTextField("transports", blank=True, help_text=RICH_HELP)
    reduced_mobility = RichTextField(
        "personnes à mobilité réduite", blank=True, help_text=RICH_HELP
    )
    opening_hours = models.TextField(
        "horaires d'ouverture", blank=True, help_text="Une ligne par jour ou par période."
    )
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    contact = RichTextField("comment nous joindre", blank=True, help_text=RICH_HELP)
    photo = models.ImageField(
        "photo",
        upload_to="public_site/services/",
        blank=True,
        validators=[validate_photo],
        help_text="JPEG ou PNG, 5 Mo au plus.",
    )
    photo_alt = models.CharField(
        "texte alternatif de la photo",
        max_length=250,
        blank=True,
        help_text="Ce que montre la photo, pour les personnes qui ne la voient pas.",
    )
    what_to_bring = RichTextField("que dois-je apporter ?", help_text=RICH_HELP)
    interview = RichTextField("comment se passe l'entretien ?", help_text=RICH_HELP)
    cannot_come = RichTextField("que faire si je ne peux pas venir ?", help_text=RICH_HELP)
    lawyer = RichTextField("ai-je besoin d'un avocat ?", help_text=RICH_HELP)
    published = models.BooleanField("publiée", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ServicePageQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche « préparer ma convocation »"
        verbose_name_plural = "fiches « préparer ma convocation »"
        ordering = ["departement", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""),
                name="service_photo_has_alt",
                violation_error_message=(
                    "Décrivez la photo dans « texte alternatif de la photo » : "
                    "sans ce texte, elle ne peut pas être publiée."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.city_key = search_key(self.city)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "public_site:service", args=[self.slug], urlconf=settings.PUBLIC_SCHEMA_URLCONF
        )

    @property
    def full_address(self) -> str:
        return f"{self.address}, {self.postcode} {self.city}"

    @property
    def map_url(self) -> str:
        """A link to the position on OpenStreetMap (no third-party map embedded in the page)."""
        if self.latitude is None or self.longitude is None:
            return ""
        return f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}#map=17/{self.latitude}/{self.longitude}"

    def questions(self) -> list[tuple[str, str, str]]:
        """The standard questions, in the order of the page: (anchor, question, answer)."""
        return [
            ("apporter", "Que dois-je apporter ?", self.what_to_bring),
            ("entretien", "Comment se passe l'entretien ?", self.interview),
            ("empechement", "Que faire si je ne peux pas venir ?", self.cannot_come),
            ("avocat", "Ai-je besoin d'un avocat ?", self.lawyer),
        ]


class PartnerQuerySet(PublishedQuerySet):
    def serving(self, code: str):
        return self.filter(departements__contains=[code])


class Partner(models.Model):
    """An entry of the reinsertion directory ("investir ma réinsertion")."""

    name = models.CharField("nom", max_length=200)
    category = models.CharField("thème", max_length=12, choices=PartnerCategory.choices)
    description = models.TextField("ce que la structure propose", max_length=600, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=120, blank=True)
    city_key = models.CharField(max_length=120, editable=False, db_index=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    website = models.URLField("site internet", blank=True)
    hours = models.TextField("horaires", blank=True)
    departements = ArrayField(
        models.CharField(max_length=3, validators=[validate_departement]),
        verbose_name="départements servis",
        help_text="Codes séparés par des virgules : 92 ou 59,62.",
    )
    published = models.BooleanField("publiée", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "structure de réinsertion"
        verbose_name_plural = "annuaire de la réinsertion"
        ordering = ["category", "name"]
        indexes = [GinIndex(fields=["departements"], name="partner_departements_gin")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.city_key = search_key(self.city)
        super().save(*args, **kwargs)
