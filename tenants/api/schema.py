"""The API's error format in the OpenAPI schema (tenants/api/errors.py writes it):

    @extend_schema(responses={200: PersonSerializer, **error_responses(400, 403, 404)})

Every error answer of a view is then described, so that clients (and schemathesis) can check it.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="Le code HTTP de la réponse.")
    code = serializers.CharField(
        help_text="Code stable pour les programmes : invalid, not_authenticated, "
        "permission_denied, not_found, throttled, invalid_cursor…"
    )
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
    405: "Méthode non autorisée.",
    406: "Format de réponse non disponible.",
    409: "Conflit avec l'état de la ressource.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge.",
    422: "Requête bien formée mais impossible à traiter.",
    429: "Trop de requêtes : réessayez après « Retry-After » secondes.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses in the error format for these statuses (the description in French)."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS.get(status, ""))
        for status in statuses
    }


# What any authenticated endpoint may answer besides its own statuses.
AUTHENTICATED_ERRORS = (401, 403, 429)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema of an operation, plus the error answers any endpoint may give in
    the error format (so that a new endpoint is described completely without repeating them):
    400 (bad query or body), 401 and 403 (unless the view is open to all), 404 (a path with an
    identifier), 415 (a body of another type) and 429 (throttled). A view's own declaration for
    one of these codes wins."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = [400, 429]
        if not self._open_to_all():
            codes += [401, 403]
        if "{" in self.path:
            codes.append(404)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append(415)
        for status in sorted(codes):
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    error_responses(status)[status], str(status), direction=direction
                )
        return responses

    def _open_to_all(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(permissions) and all(isinstance(p, AllowAny) for p in permissions)
