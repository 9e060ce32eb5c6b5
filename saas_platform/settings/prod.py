"""Production settings: they refuse to load (ImproperlyConfigured, naming every variable at fault)
without a real secret key, explicit allowed hosts, the database and Redis, and non-empty SMS
provider credentials and webhook secrets. Nothing here falls back to a development value."""

import dj_database_url

from .base import *  # noqa: F403
from .base import SMS_PROVIDERS, content_security_policy, env_bool, env_list, env_str, redis_urls
from .env import DEV_PERSON_INDEX_SECRET, DEV_SECRET_KEY, RequiredEnvironment

required = RequiredEnvironment()

DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY", min_length=50, refused=(DEV_SECRET_KEY,))
PERSON_INDEX_SECRET = required(
    "PERSON_INDEX_SECRET", min_length=32, refused=(DEV_PERSON_INDEX_SECRET, SECRET_KEY)
)
# Explicit: the platform's domain and its sub-domains, e.g. ".suivi.example.gouv.fr".
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    required.problems.append("DJANGO_ALLOWED_HOSTS is missing or empty")
elif "*" in ALLOWED_HOSTS:
    required.problems.append("DJANGO_ALLOWED_HOSTS must name the platform's hosts, not *")
PLATFORM_DOMAIN = required("PLATFORM_DOMAIN")
PLATFORM_PORT = ""
PLATFORM_SCHEME = "https"

# Read again: no local default in production.
DATABASES = {
    "default": {
        **dj_database_url.parse(
            required("DATABASE_URL") or "postgres://missing/missing",
            conn_max_age=60,
            conn_health_checks=True,
        ),
        "ENGINE": "tenants.db_backend",
        "DISABLE_SERVER_SIDE_CURSORS": bool(DATABASE_POOLER),  # noqa: F405
    }
}
REDIS_URL, CELERY_BROKER_URL = redis_urls(required("REDIS_URL") or "redis://missing:6379/0")
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Host-only cookies, HTTPS only (the browser refuses a __Host- cookie with a Domain attribute).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True


# SMS: real providers only, their URLs and secrets required; LINK Mobility has no look-up API.
SMS_PROVIDERS = {
    "link": {
        **SMS_PROVIDERS["link"],
        "url": required("SMS_LINK_URL"),
        "lookup_url": env_str("SMS_LINK_LOOKUP_URL", ""),
        "user": required("SMS_LINK_USER"),
        "password": required("SMS_LINK_PASSWORD"),
    },
    "brevo": {
        **SMS_PROVIDERS["brevo"],
        "url": env_str("SMS_BREVO_URL", "https://api.brevo.com/v3/transactionalSMS/send"),
        "events_url": env_str(
            "SMS_BREVO_EVENTS_URL", "https://api.brevo.com/v3/transactionalSMS/statistics/events"
        ),
        "api_key": required("SMS_BREVO_API_KEY"),
        "web_url": required("SMS_BREVO_WEBHOOK_URL"),
    },
}
# The webhooks refuse every call when their secret is empty; production does not start without.
SMS_LINK_WEBHOOK_SECRET = required("SMS_LINK_WEBHOOK_SECRET", min_length=16)
SMS_BREVO_WEBHOOK_TOKEN = required("SMS_BREVO_WEBHOOK_TOKEN", min_length=16)

# ProConnect: the real service's URLs and credentials, required when it is enabled
# (docs/deployment.md, "ProConnect").
PROCONNECT_ENABLED = env_bool("PROCONNECT_ENABLED", False)
if PROCONNECT_ENABLED:
    PROCONNECT_DISCOVERY_URL = required("PROCONNECT_DISCOVERY_URL")
    PROCONNECT_CLIENT_ID = required("PROCONNECT_CLIENT_ID")
    PROCONNECT_CLIENT_SECRET = required("PROCONNECT_CLIENT_SECRET", min_length=16)
    PROCONNECT_REDIRECT_URI = required("PROCONNECT_REDIRECT_URI")
    PROCONNECT_POST_LOGOUT_REDIRECT_URI = required("PROCONNECT_POST_LOGOUT_REDIRECT_URI")

# Forms lead to the platform's hosts over HTTPS only, to ProConnect (its sign-in button and the
# logout are forms redirected there: Chromium applies form-action to redirects), and to
# CSP_EXTRA_FORM_ACTION.
CSP_PLATFORM_SOURCES = [f"https://{PLATFORM_DOMAIN}", f"https://*.{PLATFORM_DOMAIN}"]
_proconnect_origin = []
if PROCONNECT_ENABLED and PROCONNECT_DISCOVERY_URL:
    _scheme, _, _rest = PROCONNECT_DISCOVERY_URL.partition("://")
    _proconnect_origin = [f"{_scheme}://{_rest.split('/', 1)[0]}"]
CONTENT_SECURITY_POLICY = content_security_policy(
    CSP_PLATFORM_SOURCES,
    [*CSP_EXTRA_FORM_ACTION, *_proconnect_origin],  # noqa: F405
)

required.check("saas_platform.settings.prod")
