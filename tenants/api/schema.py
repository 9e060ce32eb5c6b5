"""The API's error format in the OpenAPI schema (issue 20): one serializer for the body that
``errors.py`` writes, and ``error_responses(400, 403, 404)`` for a view's ``extend_schema``.
A view whose errors carry extra keys passes its own serializer: ``error_responses(409,
serializer=...)``."""

from django.db import models
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

DESCRIPTIONS = {
    400: "Données ou paramètres invalides (détail par champ dans « fields »).",
    401: "Authentification requise : aucun identifiant, ou clé d'API inconnue, révoquée "
    "(« key_revoked ») ou expirée (« key_expired »).",
    403: "Pas de membre actif de cette juridiction (ou clé d'API d'une autre juridiction), ou "
    "rôle sans ce droit.",
    404: "Ressource introuvable dans cette juridiction.",
    405: "Méthode non autorisée sur cette adresse.",
    409: "Conflit avec l'état des données (doublon, fiche en lecture seule...).",
    413: "Requête trop volumineuse (« payload_too_large ») : rien n'est lu ni fait.",
    415: "Type de contenu non pris en charge : envoyez du JSON.",
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
    """The ``responses`` entries of the error statuses a view names (those every route may
    answer, 400, 401, 403, 429..., are added by ``AutoSchema`` below: one place)."""
    descriptions = {**DESCRIPTIONS, **(descriptions or {})}
    return {
        status: OpenApiResponse(response=serializer, description=descriptions[status])
        for status in sorted(statuses)
    }


def _may_be_blank(field) -> bool:
    """The field may hold "": it allows blanks, or (read-only fields lose ``allow_blank``) its
    model field is ``blank=True``."""
    if getattr(field, "allow_blank", False):
        return True
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    if model is None or not isinstance(getattr(field, "source", None), str):
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except Exception:  # a property, a related path: no model field to read
        return False
    # Only text may be "" (a date with auto_now is blank=True too, and never empty).
    return model_field.blank and isinstance(model_field, models.CharField | models.TextField)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema of an operation, plus the error answers any endpoint may give in
    the error format (so that a new endpoint is described completely without repeating them):
    400 (bad query or body), 401 and 403 (unless the view is open to all), 404 (a path with an
    identifier), 413 and 415 (a body too large or of another type) and 429 (throttled). A view's
    own declaration for one of these codes wins."""

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
            codes += [413, 415]
        for status in sorted(codes):
            if str(status) not in responses:
                response = OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[status])
                responses[str(status)] = self._get_response_for_code(
                    response, str(status), direction=direction
                )
        return responses

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # A blank e-mail or address ("", a model field with blank=True) is not a valid "email"
        # or "uri": the format is only claimed where the value cannot be empty.
        properties = schema.get("properties", {})
        for name, field in serializer.fields.items():
            prop = properties.get(name, {})
            if prop.get("type") == "string" and "format" in prop and _may_be_blank(field):
                prop.pop("format")
        return schema

    def _open_to_all(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(permissions) and all(isinstance(p, AllowAny) for p in permissions)
