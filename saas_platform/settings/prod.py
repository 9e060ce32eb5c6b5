from .base import *  # noqa: F403
from .base import env_bool, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", f".{env_str('PLATFORM_DOMAIN')}")
PLATFORM_PORT = ""
PLATFORM_SCHEME = "https"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# SMS: real providers only, their URLs and secrets required; LINK Mobility has no look-up API.
SMS_PROVIDERS = {
    "link": {
        **SMS_PROVIDERS["link"],  # noqa: F405
        "url": env_str("SMS_LINK_URL"),
        "lookup_url": env_str("SMS_LINK_LOOKUP_URL", ""),
        "user": env_str("SMS_LINK_USER"),
        "password": env_str("SMS_LINK_PASSWORD"),
    },
    "brevo": {
        **SMS_PROVIDERS["brevo"],  # noqa: F405
        "url": env_str("SMS_BREVO_URL", "https://api.brevo.com/v3/transactionalSMS/send"),
        "events_url": env_str(
            "SMS_BREVO_EVENTS_URL", "https://api.brevo.com/v3/transactionalSMS/statistics/events"
        ),
        "api_key": env_str("SMS_BREVO_API_KEY"),
        "web_url": env_str("SMS_BREVO_WEBHOOK_URL"),
    },
}
SMS_LINK_WEBHOOK_SECRET = env_str("SMS_LINK_WEBHOOK_SECRET")
SMS_BREVO_WEBHOOK_TOKEN = env_str("SMS_BREVO_WEBHOOK_TOKEN")

# ProConnect: the real service's URLs and credentials, required when it is enabled
# (docs/deployment.md, "ProConnect").
PROCONNECT_ENABLED = env_bool("PROCONNECT_ENABLED", False)
if PROCONNECT_ENABLED:
    PROCONNECT_DISCOVERY_URL = env_str("PROCONNECT_DISCOVERY_URL")
    PROCONNECT_CLIENT_ID = env_str("PROCONNECT_CLIENT_ID")
    PROCONNECT_CLIENT_SECRET = env_str("PROCONNECT_CLIENT_SECRET")
    PROCONNECT_REDIRECT_URI = env_str("PROCONNECT_REDIRECT_URI")
    PROCONNECT_POST_LOGOUT_REDIRECT_URI = env_str("PROCONNECT_POST_LOGOUT_REDIRECT_URI")
