"""API resources of the core app (mounted by saas_platform/urls_api.py)."""

from rest_framework import generics, serializers

from .models import Heartbeat


class HeartbeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Heartbeat
        fields = ["id", "ran_at", "schema_name", "local_time", "time_zone"]


class HeartbeatList(generics.ListAPIView):
    """The last heartbeats the background workers wrote in this jurisdiction."""

    serializer_class = HeartbeatSerializer

    def get_queryset(self):
        return Heartbeat.objects.latest_first()
