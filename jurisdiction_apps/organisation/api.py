"""Read-only API of the organisation (issue 20), mounted by saas_platform/urls_api.py: places
(``lieux/``), agendas (``agendas/``) and appointment types (``types-rendez-vous/``). Every role
that sees the agenda pages sees them (Action.VIEW_PEOPLE: the day view's filters, the booking
pages); archived places and agendas are listed too, flagged, since past appointments name them.
Changing them stays in the organisation pages (Action.MANAGE_PLACES)."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from jurisdiction_apps.core.api import ArchivedFilterSet, archived_field
from tenants.api.filters import BOOLEAN_CHOICES, TieBreakOrderingFilter
from tenants.api.permissions import ActionPermission
from tenants.api.schema import error_responses
from tenants.permissions import Action

from .constants import BookingMode, PlaceKind, ServiceKind
from .models import Agenda, AppointmentType, Place


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and read, for every role that sees the agenda pages; filters and ?ordering=."""

    permission_classes = [ActionPermission]
    action_permissions = {"list": Action.VIEW_PEOPLE, "retrieve": Action.VIEW_PEOPLE}
    filter_backends = [filters.DjangoFilterBackend, TieBreakOrderingFilter]


# --- places ----------------------------------------------------------------------------------
class PlaceSerializer(serializers.ModelSerializer):
    service_kind = serializers.ChoiceField(
        source="service.kind",
        choices=ServiceKind.choices,
        read_only=True,
        allow_null=True,
        help_text="Le service du lieu : tj ou spip (null : sans service).",
    )
    service_name = serializers.CharField(
        source="service.name", read_only=True, allow_null=True, help_text="Nom du service, ou null."
    )
    archived = archived_field("Lieu archivé.")
    appointment_types = serializers.SerializerMethodField(
        help_text="Identifiants des types de rendez-vous proposés dans ce lieu."
    )

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "kind",
            "service_kind",
            "service_name",
            "address",
            "postcode",
            "city",
            "phone",
            "email",
            "main_contact_method",
            "access_notes",
            "info_url",
            "appointment_types",
            "archived",
            "archived_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Identifiant du lieu."},
            "name": {"help_text": "Nom du lieu."},
            "kind": {"help_text": "office : locaux ; home : domicile ; phone : par téléphone."},
            "address": {"help_text": "Adresse."},
            "postcode": {"help_text": "Code postal."},
            "city": {"help_text": "Commune."},
            "phone": {"help_text": "Téléphone du lieu."},
            "email": {"help_text": "Courriel du lieu."},
            "main_contact_method": {"help_text": "phone ou email."},
            "access_notes": {"help_text": "Indications d'accès."},
            "info_url": {"help_text": "Page d'information propre au lieu."},
            "archived_at": {"help_text": "Archivé le (ISO 8601 avec décalage), ou null."},
        }

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_appointment_types(self, place):
        return sorted(kind.pk for kind in place.appointment_types.all())


class PlaceFilter(ArchivedFilterSet):
    kind = filters.ChoiceFilter(choices=PlaceKind.choices, help_text="Nature du lieu.")
    appointment_type = filters.NumberFilter(
        field_name="appointment_types", help_text="Lieux proposant ce type de rendez-vous (id)."
    )

    class Meta:
        model = Place
        fields = ["archived", "kind", "appointment_type"]


@extend_schema_view(
    list=extend_schema(
        summary="Lister les lieux",
        description=(
            "Les lieux de rendez-vous de la juridiction, par nom, archivés compris "
            "(?archived=false pour les seuls actifs). Pagination par curseur."
        ),
        responses={200: PlaceSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="Lire un lieu",
        responses={200: PlaceSerializer, **error_responses(404)},
    ),
)
class PlaceViewSet(ReadOnlyViewSet):
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    ordering_fields = ["name", "id"]
    ordering = ("name", "pk")

    def get_queryset(self):
        return Place.objects.select_related("service").prefetch_related(
            Prefetch("appointment_types", queryset=AppointmentType.objects.only("pk"))
        )


# --- agendas ---------------------------------------------------------------------------------
class AgendaSerializer(serializers.ModelSerializer):
    place_name = serializers.CharField(source="place.name", read_only=True, help_text="Lieu.")
    archived = archived_field("Agenda archivé.")

    class Meta:
        model = Agenda
        fields = ["id", "name", "place", "place_name", "archived", "archived_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Identifiant de l'agenda."},
            "name": {"help_text": "Nom de l'agenda."},
            "place": {"help_text": "Identifiant du lieu de l'agenda."},
            "archived_at": {"help_text": "Archivé le (ISO 8601 avec décalage), ou null."},
        }


class AgendaFilter(ArchivedFilterSet):
    place = filters.NumberFilter(field_name="place_id", help_text="Agendas de ce lieu (id).")

    class Meta:
        model = Agenda
        fields = ["archived", "place"]


@extend_schema_view(
    list=extend_schema(
        summary="Lister les agendas",
        description=(
            "Les agendas de la juridiction, par nom, archivés compris ; ?place= pour ceux d'un "
            "lieu. Pagination par curseur."
        ),
        responses={200: AgendaSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="Lire un agenda",
        responses={200: AgendaSerializer, **error_responses(404)},
    ),
)
class AgendaViewSet(ReadOnlyViewSet):
    serializer_class = AgendaSerializer
    filterset_class = AgendaFilter
    ordering_fields = ["name", "id"]
    ordering = ("name", "pk")

    def get_queryset(self):
        return Agenda.objects.select_related("place")


# --- appointment types -----------------------------------------------------------------------
class AppointmentTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppointmentType
        fields = [
            "id",
            "code",
            "label",
            "plain_label",
            "service_kind",
            "booking_mode",
            "weekend_allowed",
            "booking_roles",
            "default_duration_minutes",
            "reminder_delay_hours",
            "needs_case_number",
            "address_visible",
            "is_active",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Identifiant du type de rendez-vous."},
            "code": {"help_text": "Code stable du type."},
            "label": {"help_text": "Libellé pour les agents."},
            "plain_label": {"help_text": "Libellé en mots simples, pour la personne."},
            "service_kind": {"help_text": "Service qui convoque : tj ou spip."},
            "booking_mode": {"help_text": "slot : sur créneau ; free_time : horaire libre."},
            "weekend_allowed": {"help_text": "Possible le week-end."},
            "booking_roles": {"help_text": "Rôles qui peuvent convoquer à ce type."},
            "default_duration_minutes": {"help_text": "Durée par défaut, en minutes."},
            "reminder_delay_hours": {"help_text": "Le rappel SMS part tant d'heures avant."},
            "needs_case_number": {"help_text": "Un numéro de parquet est demandé."},
            "address_visible": {"help_text": "L'adresse du lieu est montrée à la personne."},
            "is_active": {"help_text": "Type en service."},
        }


class AppointmentTypeFilter(filters.FilterSet):
    service_kind = filters.ChoiceFilter(choices=ServiceKind.choices, help_text="tj ou spip.")
    booking_mode = filters.ChoiceFilter(choices=BookingMode.choices, help_text="slot ou free_time.")
    active = filters.ChoiceFilter(
        method="filter_active",
        choices=BOOLEAN_CHOICES,
        help_text="true : types en service seulement ; false : hors service seulement.",
    )

    class Meta:
        model = AppointmentType
        fields = ["service_kind", "booking_mode", "active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "true")


@extend_schema_view(
    list=extend_schema(
        summary="Lister les types de rendez-vous",
        description=(
            "Les types de rendez-vous de la juridiction, par libellé ; ?service_kind=, "
            "?booking_mode=, ?active=. Pagination par curseur."
        ),
        responses={200: AppointmentTypeSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary="Lire un type de rendez-vous",
        responses={200: AppointmentTypeSerializer, **error_responses(404)},
    ),
)
class AppointmentTypeViewSet(ReadOnlyViewSet):
    serializer_class = AppointmentTypeSerializer
    filterset_class = AppointmentTypeFilter
    ordering_fields = ["label", "code", "id"]
    ordering = ("label", "pk")
    queryset = AppointmentType.objects.all()
