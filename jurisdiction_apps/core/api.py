"""API resources of the core app (mounted by saas_platform/urls_api.py)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from .models import Heartbeat


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
