"""API resources of the core app (mounted by saas_platform/urls_api.py), and the API pieces the
apps' resources share: an agent as the pages name them, and the archived flag and filter of
archivable objects (places, agendas, people)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers

from tenants.api.filters import BOOLEAN_CHOICES

from .history import user_label
from .models import Heartbeat


class AgentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant de l'agent.")
    name = serializers.CharField(help_text="Nom affiché de l'agent (son courriel sans nom).")


@extend_schema_field(AgentRefSerializer(allow_null=True))
class AgentField(serializers.Field):
    """An agent as the pages name them: id and display name, nothing else of the account."""

    def to_representation(self, user):
        return {"id": user.pk, "name": user_label(user)}


def archived_field(help_text: str) -> serializers.BooleanField:
    """The archived flag of an Archivable (core/archiving.py)."""
    return serializers.BooleanField(source="is_archived", read_only=True, help_text=help_text)


class ArchivedFilterSet(filters.FilterSet):
    """``?archived=true|false`` over an ArchivableQuerySet (without it: both)."""

    archived = filters.ChoiceFilter(
        method="filter_archived",
        choices=BOOLEAN_CHOICES,
        help_text="true : archivés seulement ; false : actifs seulement (par défaut : tous).",
    )

    def filter_archived(self, queryset, name, value):
        return queryset.archived() if value == "true" else queryset.active()


class HeartbeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Heartbeat
        fields = ["id", "ran_at", "schema_name", "local_time", "time_zone"]
        extra_kwargs = {
            "ran_at": {"help_text": "Instant du battement (ISO 8601, avec décalage)."},
            "schema_name": {"help_text": "Schéma PostgreSQL de la juridiction."},
            "local_time": {"help_text": "Heure locale de la juridiction à cet instant."},
            "time_zone": {"help_text": "Fuseau horaire de la juridiction."},
        }


@extend_schema_view(
    get=extend_schema(
        tags=["battements"],
        summary="Battements des tâches de fond",
        description=(
            "Les derniers battements écrits par les tâches de fond dans cette juridiction, "
            "du plus récent au plus ancien : la preuve qu'elles tournent."
        ),
    )
)
class HeartbeatList(generics.ListAPIView):
    """The last heartbeats the background workers wrote in this jurisdiction."""

    serializer_class = HeartbeatSerializer

    def get_queryset(self):
        return Heartbeat.objects.latest_first()
