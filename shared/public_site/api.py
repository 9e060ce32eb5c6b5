"""The public directories in the national read-only API (public host, /api/v1/): the services
("préparer ma convocation": courts and probation sites) and the reinsertion directory. Published
rows only, whoever asks; the fields are listed one by one (the public content of the pages, no
editor, no draft). Cached under the public site's content version (cache.py): an edit drops it."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from tenants.api.public import PublicAPIMixin

from .cache import content_version
from .constants import PartnerCategory, ServiceKind
from .geography import DEPARTEMENTS
from .models import Partner, ServicePage


class ServiceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", help_text="La nature, en clair.")
    url = serializers.SerializerMethodField(help_text="La page du service sur le site public.")
    latitude = serializers.FloatField(allow_null=True, help_text="Latitude (WGS 84).")
    longitude = serializers.FloatField(allow_null=True, help_text="Longitude (WGS 84).")

    class Meta:
        model = ServicePage
        fields = [
            "slug",
            "name",
            "kind",
            "kind_label",
            "departement",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "opening_hours",
            "phone",
            "email",
            "access",
            "transport",
            "reduced_mobility",
            "contact",
            "what_to_bring",
            "interview",
            "cannot_come",
            "lawyer",
            "url",
            "updated_at",
        ]
        extra_kwargs = {
            "slug": {"help_text": "Identifiant de la fiche (figure dans les SMS)."},
            "name": {"help_text": "Nom du service."},
            "kind": {"help_text": "tj : tribunal judiciaire ; spip : SPIP."},
            "departement": {"help_text": "Code du département (92, 2A, 974)."},
            "access": {"help_text": "Accès au bâtiment (HTML assaini)."},
            "what_to_bring": {"help_text": "Que dois-je apporter ? (HTML assaini)."},
            "updated_at": {"help_text": "Dernière modification."},
        }

    @extend_schema_field(serializers.URLField())
    def get_url(self, service) -> str:
        return self.context["request"].build_absolute_uri(service.get_absolute_url())


class PartnerSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(
        source="get_category_display", help_text="Le thème, en clair."
    )

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "category",
            "category_label",
            "description",
            "address",
            "postcode",
            "city",
            "phone",
            "email",
            "website",
            "hours",
            "departements",
            "updated_at",
        ]
        extra_kwargs = {
            "name": {"help_text": "Nom de la structure."},
            "category": {"help_text": "Thème : " + ", ".join(PartnerCategory.values) + "."},
            "departements": {"help_text": "Départements servis."},
            "updated_at": {"help_text": "Dernière modification."},
        }


def _departement_choices():
    return [(code, code) for code in DEPARTEMENTS]


class ServiceFilter(django_filters.FilterSet):
    departement = django_filters.ChoiceFilter(
        choices=_departement_choices, help_text="Code du département (92, 2A, 974)."
    )
    kind = django_filters.ChoiceFilter(
        choices=ServiceKind.choices, help_text="tj : tribunal judiciaire ; spip : SPIP."
    )
    postcode = django_filters.CharFilter(help_text="Code postal exact.")

    class Meta:
        model = ServicePage
        fields = ["departement", "kind", "postcode"]


class PartnerFilter(django_filters.FilterSet):
    departement = django_filters.ChoiceFilter(
        choices=_departement_choices,
        method="serving",
        help_text="Les structures qui servent ce département (92, 2A, 974).",
    )
    category = django_filters.ChoiceFilter(
        choices=PartnerCategory.choices, help_text="Thème de la structure."
    )

    class Meta:
        model = Partner
        fields = ["departement", "category"]

    def serving(self, queryset, name, value: str):
        return queryset.serving(value)


class DirectoryView(PublicAPIMixin, ListAPIView):
    ordering = ("name", "pk")
    ordering_fields: list = []

    def cache_version(self) -> str:
        return str(content_version())


@extend_schema(
    tags=["services"],
    summary="Annuaire des services",
    description=(
        "Les tribunaux judiciaires (application des peines) et les sites des SPIP publiés sur "
        "le site « Préparer ma convocation » : adresse, horaires, accès, contacts et réponses "
        "aux questions des personnes convoquées. Triés par nom ; pagination par curseur."
    ),
)
class ServiceList(DirectoryView):
    cache_prefix = "public_api:services"
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter

    def get_queryset(self):
        return ServicePage.objects.published()


@extend_schema(
    tags=["reinsertion"],
    summary="Annuaire de la réinsertion",
    description=(
        "Les structures de réinsertion publiées (emploi, logement, santé, droits, démarches, "
        "famille) et les départements qu'elles servent. Triées par nom ; pagination par curseur."
    ),
)
class PartnerList(DirectoryView):
    cache_prefix = "public_api:reinsertion"
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter

    def get_queryset(self):
        return Partner.objects.published()
