"""One error format for the whole API:

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}

Messages are in French; ``code`` is stable for programs.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "not_authenticated": "Authentification requise.",
    "authentication_failed": "Identifiants invalides.",
    "token_expired": "Jeton expiré : demandez-en un nouveau.",
    "key_revoked": "Clé d'API révoquée : demandez une nouvelle clé à l'administrateur local.",
    "key_expired": "Clé d'API expirée : demandez une nouvelle clé à l'administrateur local.",
    "permission_denied": "Vous n'avez pas accès à cette juridiction.",
    "not_found": "Ressource introuvable.",
    "method_not_allowed": "Méthode non autorisée.",
    "throttled": "Trop de requêtes : réessayez plus tard.",
    "parse_error": "Requête illisible.",
    "unsupported_media_type": "Type de contenu non pris en charge.",
    "not_acceptable": "Format de réponse non disponible.",
    "invalid": "Les données envoyées ne sont pas valides.",
    "invalid_cursor": "Curseur de pagination invalide.",
    "invalid_page_size": "Taille de page invalide.",
}


class ApiError(exceptions.APIException):
    """A refusal whose French message the view writes (a service's own sentence: a duplicate, a
    transferred person...), with a stable ``code``, optional per-field messages and extra keys
    (``extra``: e.g. the ids of the records in conflict)."""

    def __init__(self, message: str, *, code: str, status: int = 400, fields=None, **extra):
        super().__init__(detail=message, code=code)
        self.status_code = status
        self.message = message
        self.fields = fields
        self.extra = extra


class BodyTooLarge(exceptions.APIException):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses to read it (RequestDataTooBig, an
    English HTML 400 by default); the API says 413 in its own format, nothing read or done."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self):
        megabytes = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000:.1f}".replace(".", ",")
        super().__init__(
            detail=f"Requête trop volumineuse : au plus {megabytes} Mo.", code="payload_too_large"
        )


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and Sentry take it
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        # A validation error's codes are per field; its class may name one for the whole.
        code = codes if isinstance(codes, str) else getattr(exc, "error_code", "invalid")
    else:
        code = "not_found" if response.status_code == 404 else "permission_denied"
    message = MESSAGES.get(code)
    if message is None:  # a code of its own: the exception's detail is its French message
        detail = getattr(exc, "detail", None)
        message = str(detail) if isinstance(detail, str) else "Erreur."
    body = {"status": response.status_code, "code": code, "message": message}
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = (
            exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        )
    # A permission class's own French sentence (ActionPermission: the role lacks the right).
    if (
        isinstance(exc, exceptions.PermissionDenied)
        and isinstance(exc.detail, str)
        and exc.detail != exceptions.PermissionDenied.default_detail
    ):
        body["message"] = str(exc.detail)
    if isinstance(exc, ApiError):
        body["message"] = exc.message
        if exc.fields:
            body["fields"] = exc.fields
        body.update(exc.extra)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF has set Retry-After (seconds); the body says it too, in French.
        wait = max(1, round(exc.wait))
        body["retry_after"] = wait
        body["message"] = f"Trop de requêtes : réessayez dans {wait} s."
    response.data = {"error": body}
    return response
