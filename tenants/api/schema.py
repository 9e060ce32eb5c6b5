"""The API's error format in the OpenAPI schema (tenants/api/errors.py writes it):

@extend_schema(responses={201: AppointmentSerializer, **error_responses(400, 403, 409)})
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="Le code HTTP de la réponse.")
    code = serializers.CharField(help_text="Code stable pour les programmes (invalid, not_found…).")
    message = serializers.CharField(help_text="Message en français, à montrer à une personne.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="Erreurs champ par champ (400) : nom du champ → liste de messages.",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Secondes à attendre avant de réessayer (429)."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


ERROR_DESCRIPTIONS = {
    400: "Données invalides : le détail par champ est dans « fields ».",
    401: "Authentification requise ou identifiants invalides.",
    403: "Accès refusé : pas membre de cette juridiction, ou rôle sans ce droit.",
    404: "Ressource introuvable.",
    409: "Conflit avec l'état de la ressource.",
    422: "Requête bien formée mais impossible à traiter.",
    429: "Trop de requêtes : réessayez après « Retry-After » secondes.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses in the error format for these statuses (the description in French)."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS.get(status, ""))
        for status in statuses
    }
