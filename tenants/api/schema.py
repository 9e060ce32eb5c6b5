"""The API's error format in the OpenAPI schema (issue 20): one serializer for the body that
``errors.py`` writes, and ``error_responses(400, 403, 404)`` for a view's ``extend_schema``.
A view whose errors carry extra keys passes its own serializer: ``error_responses(409,
serializer=...)``."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

DESCRIPTIONS = {
    400: "Données ou paramètres invalides (détail par champ dans « fields »).",
    401: "Authentification requise : aucun identifiant, ou clé d'API inconnue, révoquée "
    "(« key_revoked ») ou expirée (« key_expired »).",
    403: "Pas de membre actif de cette juridiction (ou clé d'API d'une autre juridiction), ou "
    "rôle sans ce droit.",
    404: "Ressource introuvable dans cette juridiction.",
    409: "Conflit avec l'état des données (doublon, fiche en lecture seule...).",
    422: "Requête bien formée mais impossible à traiter (clé d'idempotence déjà utilisée...).",
    429: "Trop de requêtes : réessayez après le délai indiqué (en-tête Retry-After).",
}


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="Le code HTTP de la réponse.")
    code = serializers.CharField(
        help_text="Code stable de l'erreur, pour les programmes (ex. « invalid », "
        "« not_found », « invalid_cursor »)."
    )
    message = serializers.CharField(help_text="Message en français, à montrer à l'utilisateur.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="Messages par champ (ou paramètre), en français.",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Secondes à attendre (429 seulement)."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def error_envelope(name: str, body: type[serializers.Serializer]):
    """An error serializer whose body is ``body`` (a subclass of ErrorBodySerializer)."""
    return inline_serializer(name=name, fields={"error": body()})


def error_responses(*statuses: int, serializer=ErrorSerializer, descriptions=None) -> dict:
    """The ``responses`` entries of the error statuses a view may answer (401, 403 and 429
    always join: every route authenticates the caller (tenants/api/authentication.py), checks
    their membership and role, and counts their requests (tenants/api/throttling.py))."""
    descriptions = {**DESCRIPTIONS, **(descriptions or {})}
    return {
        status: OpenApiResponse(response=serializer, description=descriptions[status])
        for status in sorted({*statuses, 401, 403, 429})
    }
