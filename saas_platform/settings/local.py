"""Conveniences of a developer machine and of the tests (dev.py and test.py), never of production:
a known secret key, every host allowed (jurisdictions are made up on *.localhost), and the local
SMS gateway's credentials (devtools/sms_gateway.py)."""

from .base import *  # noqa: F403
from .base import SMS_PROVIDERS, env_list, env_str
from .env import DEV_PERSON_INDEX_SECRET, DEV_SECRET_KEY

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "") or DEV_SECRET_KEY
PERSON_INDEX_SECRET = env_str("PERSON_INDEX_SECRET", "") or DEV_PERSON_INDEX_SECRET
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "*")

SMS_PROVIDERS = {
    "link": {
        **SMS_PROVIDERS["link"],
        "user": env_str("SMS_LINK_USER", "") or "dev-link",
        "password": env_str("SMS_LINK_PASSWORD", "") or "dev-link-password",
    },
    "brevo": {
        **SMS_PROVIDERS["brevo"],
        "api_key": env_str("SMS_BREVO_API_KEY", "") or "dev-brevo-key",
    },
}
SMS_LINK_WEBHOOK_SECRET = env_str("SMS_LINK_WEBHOOK_SECRET", "") or "dev-link-webhook-secret"
SMS_BREVO_WEBHOOK_TOKEN = env_str("SMS_BREVO_WEBHOOK_TOKEN", "") or "dev-brevo-webhook-token"
