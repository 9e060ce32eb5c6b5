"""Authentication of the API.

- ``APIKeyAuthentication`` (issue 20): ``Authorization: Api-Key <prefix.secret>``, the keys of
  tenants.models.JurisdictionAPIKey. The caller becomes the key's service account, whose
  membership in the host's jurisdiction gives its role (tenants/api/permissions.py); pghistory's
  middleware records that account as the actor of every write (DRF sets ``request.user`` on the
  Django request, which pghistory's request class watches).
- ``ExpiringTokenAuthentication`` (issue 16): DRF's tokens, refused (401, code
  ``token_expired``) and deleted once older than API_TOKEN_TTL_HOURS.
- Session authentication (DRF's) for agents browsing the API.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, TokenAuthentication
from rest_framework_api_key.permissions import KeyParser

from tenants.models import JurisdictionAPIKey

# last_used_at is written at most this often per key, not at every request.
LAST_USE_PRECISION = timedelta(minutes=1)


class KeyRevoked(exceptions.AuthenticationFailed):
    default_detail = "Clé d'API révoquée."
    default_code = "key_revoked"


class KeyExpired(exceptions.AuthenticationFailed):
    default_detail = "Clé d'API expirée."
    default_code = "key_expired"


class APIKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"
    parser = KeyParser()

    def authenticate(self, request):
        key = self.parser.get_from_authorization(request)
        if key is None:
            return None  # no Authorization header, or another scheme (Token): not ours
        prefix, dot, _ = key.strip().partition(".")
        api_key = (
            JurisdictionAPIKey.objects.select_related("service_account")
            .filter(prefix=prefix)
            .first()
            if dot and prefix
            else None
        )
        # The key's state is told only to whoever holds the whole key, never for a prefix alone.
        if api_key is None or not api_key.is_valid(key.strip()):
            raise exceptions.AuthenticationFailed(code="authentication_failed")
        if api_key.revoked:
            raise KeyRevoked()
        if api_key.has_expired:
            raise KeyExpired()
        if not api_key.service_account.is_active:
            raise exceptions.AuthenticationFailed(code="authentication_failed")
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.pk != api_key.jurisdiction_id:
            raise exceptions.PermissionDenied(code="permission_denied")
        self._note_use(api_key)
        return api_key.service_account, api_key

    def authenticate_header(self, request):
        # First of the classes: an unauthenticated call gets 401 with this challenge (not 403).
        return self.keyword

    @staticmethod
    def _note_use(api_key: JurisdictionAPIKey) -> None:
        now = timezone.now()
        if api_key.last_used_at is not None and api_key.last_used_at > now - LAST_USE_PRECISION:
            return
        JurisdictionAPIKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def token_expired(token) -> bool:
    return token.created < timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                "Jeton expiré : demandez-en un nouveau.", code="token_expired"
            )
        return user, token


class APIKeyScheme(OpenApiAuthenticationExtension):
    """The API key in the OpenAPI schema (drf-spectacular), with its French description."""

    target_class = APIKeyAuthentication
    name = "cleApi"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Clé d'API de la juridiction, créée par son administrateur local (Pilotage → "
                "Clés d'API) : en-tête « Authorization: Api-Key <clé> ». Une clé agit sous un "
                "compte de service avec le rôle choisi ; révoquée ou expirée : 401 ; d'une autre "
                "juridiction : 403."
            ),
        }
