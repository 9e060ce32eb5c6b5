"""OpenAPI pieces shared by every resource of the API (issue 20): the error format of errors.py,
declared once, and the error responses a view lists in its ``extend_schema(responses=...)``."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="Code HTTP de la réponse.")
    code = serializers.CharField(help_text="Code stable de l'erreur, pour les programmes.")
    message = serializers.CharField(help_text="Message en français.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="Erreurs champ par champ (paramètre ou champ du corps : liste de messages).",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Secondes à attendre avant de réessayer (429)."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


DESCRIPTIONS = {
    400: "Requête invalide (paramètre, curseur, taille de page) : le détail est dans « fields ».",
    401: "Authentification requise ou identifiants invalides.",
    403: "Pas d'accès à cette juridiction, ou rôle qui ne permet pas cette action.",
    404: "Ressource introuvable dans cette juridiction.",
    429: "Trop de requêtes : réessayez après le délai indiqué (en-tête Retry-After).",
}


def error_responses(*statuses: int) -> dict:
    """``{status: OpenApiResponse(ErrorSerializer)}`` for the given statuses (all by default)."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[status])
        for status in (statuses or DESCRIPTIONS)
    }
