"""Token authentication whose tokens expire (issue 16). DRF's tokens never do: a token older than
API_TOKEN_TTL_HOURS is refused (401, code ``token_expired``) and deleted. A later REST API issue
replaces tokens with API keys; this keeps the interim small."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


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
