from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class JurisdictionSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="Identifiant de la juridiction (son sous-domaine).")
    name = serializers.CharField(help_text="Nom de la juridiction.")
    time_zone = serializers.CharField(help_text="Fuseau horaire (Europe/Paris, Indian/Reunion…).")
    status = serializers.CharField(help_text="État : onboarding, live, suspended…")


class MeSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(help_text="Identifiant du compte appelant.")
    role = serializers.CharField(help_text="Son rôle dans cette juridiction.")
    jurisdiction = JurisdictionSerializer(help_text="La juridiction de l'hôte appelé.")
    local_time = serializers.DateTimeField(
        help_text="Heure du serveur dans le fuseau de la juridiction (ISO 8601, avec décalage)."
    )


class MeView(APIView):
    """The caller, their role here, and the jurisdiction's local time."""

    @extend_schema(
        tags=["moi"],
        summary="Qui suis-je ?",
        description="Le compte appelant, son rôle dans cette juridiction et l'heure locale.",
        responses=MeSerializer,
    )
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
