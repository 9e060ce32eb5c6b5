from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class JurisdictionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    time_zone = serializers.CharField()
    status = serializers.CharField()


class MeSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    role = serializers.CharField()
    jurisdiction = JurisdictionSerializer()
    local_time = serializers.DateTimeField(help_text="Server time in the jurisdiction's time zone")


class MeView(APIView):
    """The caller, their role here, and the jurisdiction's local time."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        tenant = request.tenant
        data = {
            "user_id": request.user.pk,
            "role": request.membership.role,
            "jurisdiction": {
                "slug": tenant.slug,
                "name": tenant.name,
                "time_zone": tenant.time_zone,
                "status": tenant.status,
            },
            "local_time": timezone.localtime(),
        }
        return Response(MeSerializer(data).data)
