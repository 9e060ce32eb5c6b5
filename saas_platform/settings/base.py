"""Settings shared by every environment. Everything that varies is read from the environment.

See README.md ("Environment variables") for the list.
"""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_list, env_str, redis_urls

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# >>> fail closed (issue 16, point 5): no fallback secret, DEBUG off, no host allowed by default.
# The development conveniences (a known key, every host) live in local.py, used by dev.py and
# test.py only; prod.py refuses to load without its environment.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
DEBUG = False
# Jurisdiction domains are data: the tenant middleware answers 404 for any host it does not know.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
# <<< fail closed (issue 16, point 5)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# --- Applications -----------------------------------------------------------------------------
# One copy nationally (public schema).
SHARED_APPS = [
    "django_tenants",
    "pgtrigger",  # no tables; listed early so that its migration patches are in place first
    "tenants",
    "shared.accounts",
    "shared.console",
    "shared.sms_texts",
    "shared.public_site",
    "shared.national_stats",
    "shared.retention",
    "shared.person_index",
    "shared.transfers",
    "onboarding",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files (no CDN)
    "rest_framework_api_key",
    "django_filters",
    "django_celery_beat",
    "dsfr",
]
# One copy per jurisdiction (its own schema). django-tenants needs contenttypes in both.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "pgtrigger",
    "pghistory",
    "jurisdiction_apps.core",
    "jurisdiction_apps.organisation",
    "jurisdiction_apps.people",
    "jurisdiction_apps.scheduling",
    "jurisdiction_apps.notifications",
    "jurisdiction_apps.portal",
    "jurisdiction_apps.casefile",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Jurisdiction"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "saas_platform.urls_public"
ROOT_URLCONF = "saas_platform.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

MIDDLEWARE = [
    "saas_platform.health.HealthMiddleware",
    "tenants.middleware.JurisdictionHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # issue 16: CSP and Permissions-Policy on every answer, static files included.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # issue 16: Cache-Control: no-store on what a session or the API sees (not on static files).
    "saas_platform.headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # issue 16: messages right after sessions (was after MembershipMiddleware), so that the
    # session guard below can say why a session ended.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # issue 16: agents' sessions bound to their host, closed when idle (before the membership
    # check: a replayed cookie is anonymous there).
    "shared.accounts.session_guard.AgentSessionMiddleware",
    "tenants.middleware.MembershipMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "shared.accounts.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.jurisdiction",
                "shared.public_site.context_processors.public_site",
                "jurisdiction_apps.portal.context_processors.portal",
                "shared.transfers.context_processors.transfers",  # issue 19
                "shared.accounts.session_guard.session_timeout_context",  # issue 16
            ],
        },
    },
]

WSGI_APPLICATION = "saas_platform.wsgi.application"
ASGI_APPLICATION = "saas_platform.asgi.application"

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/justice",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
# django-tenants' backend, plus the transaction-pooler mode (tenants/db_backend/base.py).
DATABASES["default"]["ENGINE"] = "tenants.db_backend"
# "pgbouncer-transaction" when DATABASE_URL goes through PgBouncer in transaction pooling mode:
# the search_path then travels with every statement, and server-side cursors are off
# (docs/deployment.md, "PostgreSQL connections and PgBouncer"). Empty: a direct connection, or
# a pooler in session mode.
DATABASE_POOLER = env_str("DATABASE_POOLER", "").strip()
if DATABASE_POOLER:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker and results ----------------------------------------------------
REDIS_URL, CELERY_BROKER_URL = redis_urls(
    env_str("REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0"
)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key carries the schema of the connection, but national ones (tenants/cache.py).
        "KEY_FUNCTION": "tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "tenants.cache.reverse_key",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Seconds between two heartbeats of each live jurisdiction.
HEARTBEAT_INTERVAL_SECONDS = int(env_str("HEARTBEAT_INTERVAL_SECONDS", "300"))
# Slot templates are extended once a day (and at once when a template is saved).
SLOT_GENERATION_INTERVAL_SECONDS = int(env_str("SLOT_GENERATION_INTERVAL_SECONDS", "86400"))

# --- SMS ---------------------------------------------------------------------------------------
# Providers, tried in this order unless a jurisdiction sets its own (Jurisdiction.sms_providers).
# The defaults point at the local SMS gateway of make run (devtools/sms_gateway.py).
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "http://127.0.0.1:8025")
SMS_PROVIDER_ORDER = env_list("SMS_PROVIDER_ORDER", "link,brevo")
SMS_HTTP_TIMEOUT_SECONDS = float(env_str("SMS_HTTP_TIMEOUT_SECONDS", "10"))
SMS_PROVIDERS = {
    "link": {
        "url": env_str("SMS_LINK_URL", SMS_GATEWAY_URL + "/restapi/v1/sms/send"),
        # Only the local gateway answers look-ups; leave empty for the real service.
        "lookup_url": env_str("SMS_LINK_LOOKUP_URL", SMS_GATEWAY_URL + "/restapi/v1/sms/lookup"),
        "user": env_str("SMS_LINK_USER", ""),
        "password": env_str("SMS_LINK_PASSWORD", ""),
        "timeout": SMS_HTTP_TIMEOUT_SECONDS,
    },
    "brevo": {
        "url": env_str("SMS_BREVO_URL", SMS_GATEWAY_URL + "/v3/transactionalSMS/send"),
        "events_url": env_str(
            "SMS_BREVO_EVENTS_URL", SMS_GATEWAY_URL + "/v3/transactionalSMS/statistics/events"
        ),
        "api_key": env_str("SMS_BREVO_API_KEY", ""),
        "web_url": env_str("SMS_BREVO_WEBHOOK_URL", ""),
        "timeout": SMS_HTTP_TIMEOUT_SECONDS,
    },
}
# Secrets that authenticate the delivery receipts (webhooks of the public host). The credentials
# above and these secrets are empty unless set (local.py gives dev and test the local gateway's).
SMS_LINK_WEBHOOK_SECRET = env_str("SMS_LINK_WEBHOOK_SECRET", "")
SMS_BREVO_WEBHOOK_TOKEN = env_str("SMS_BREVO_WEBHOOK_TOKEN", "")
# Seconds between two sweeps of due messages (beat), and how many a sweep hands over at most.
SMS_SWEEP_INTERVAL_SECONDS = int(env_str("SMS_SWEEP_INTERVAL_SECONDS", "30"))

# --- National statistics -----------------------------------------------------------------------
# Every jurisdiction recomputes its last STATS_REFRESH_DAYS days this often (idempotent).
STATS_REFRESH_INTERVAL_SECONDS = int(env_str("STATS_REFRESH_INTERVAL_SECONDS", "3600"))
STATS_REFRESH_DAYS = int(env_str("STATS_REFRESH_DAYS", "35"))
SMS_SWEEP_LIMIT = int(env_str("SMS_SWEEP_LIMIT", "20000"))
SMS_BATCH_SIZE = int(env_str("SMS_BATCH_SIZE", "200"))
SMS_SEND_THREADS = int(env_str("SMS_SEND_THREADS", "16"))
# A message "sending" for longer than this was left by a dead worker: it is looked up again.
SMS_SENDING_TIMEOUT_SECONDS = int(env_str("SMS_SENDING_TIMEOUT_SECONDS", "120"))
# A message "queued" for longer than this lost its task (Redis restarted): it is handed over again.
SMS_QUEUED_TIMEOUT_SECONDS = int(env_str("SMS_QUEUED_TIMEOUT_SECONDS", "300"))
# Retries: exponential from the first delay, capped well below the broker's visibility timeout.
SMS_RETRY_FIRST_SECONDS = int(env_str("SMS_RETRY_FIRST_SECONDS", "30"))
SMS_RETRY_MAX_SECONDS = int(env_str("SMS_RETRY_MAX_SECONDS", "1800"))
SMS_MAX_ATTEMPTS = int(env_str("SMS_MAX_ATTEMPTS", "10"))
# A message still "sent" without a receipt after this is flagged to the agents.
SMS_RECEIPT_OVERDUE_MINUTES = int(env_str("SMS_RECEIPT_OVERDUE_MINUTES", "120"))
# Redis redelivers an unacknowledged task after this (the retry cap must stay below it).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Agents are invited by their service; nobody opens an account alone.
ACCOUNT_ADAPTER = "shared.accounts.adapters.AgentAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# --- Sign-in limits (docs/security.md) ----------------------------------------------------------
# Failed sign-ins are counted per account across every host at once (allauth's rate-limit keys are
# national, tenants/cache.py), and per address with a limit that a whole jurisdiction behind one
# proxy does not reach by typing mistakes. Both as allauth rates: "<amount>/<duration>".
SIGN_IN_FAILURES_PER_ACCOUNT = env_str("SIGN_IN_FAILURES_PER_ACCOUNT", "10/15m")
SIGN_IN_FAILURES_PER_ADDRESS = env_str("SIGN_IN_FAILURES_PER_ADDRESS", "300/15m")
# Sign-in attempts of any outcome per address (allauth's default, 30 a minute, is a morning's
# rush of one court behind one address).
SIGN_IN_ATTEMPTS_PER_ADDRESS = env_str("SIGN_IN_ATTEMPTS_PER_ADDRESS", "300/m")
ACCOUNT_RATE_LIMITS = {
    "login": f"{SIGN_IN_ATTEMPTS_PER_ADDRESS}/ip",
    "login_failed": f"{SIGN_IN_FAILURES_PER_ADDRESS}/ip,{SIGN_IN_FAILURES_PER_ACCOUNT}/key",
}
# The proxy chain in front of the app (tenants/net.py): how many proxies append to
# X-Forwarded-For, or the one header a trusted edge sets with the client's address.
TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", "") or None

# --- Second factor (shared/accounts/second_factor.py) ------------------------------------------
# Local admins, directors, deployment officers, the national team, staff and superusers must
# pass a second factor: TOTP, a security key or passkey (WebAuthn), recovery codes, or a
# ProConnect sign-in at a strong level (PROCONNECT_STRONG_ACR).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Suivi justice"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_FORMS = {
    "add_webauthn": "shared.accounts.forms.AddSecurityKeyForm",
    "edit_webauthn": "shared.accounts.forms.EditSecurityKeyForm",
}
# Browsers allow WebAuthn on http://*.localhost only; production is served over HTTPS.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False)
SESSION_COOKIE_AGE = int(env_str("SESSION_COOKIE_AGE_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Suivi justice <ne-pas-repondre@justice.gouv.fr>"
)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # issue 20: the jurisdictions' systems, by API key (first: a call without credentials
        # gets 401 with its challenge, "WWW-Authenticate: Api-Key").
        "tenants.api.authentication.APIKeyAuthentication",
        # Agents browsing the API with their session.
        "rest_framework.authentication.SessionAuthentication",
        # Tokens expire after API_TOKEN_TTL_HOURS (issue 16).
        "tenants.api.authentication.ExpiringTokenAuthentication",
    ],
    # issue 16: per-user and per-address limits, rates in API_THROTTLE_RATES below.
    "DEFAULT_THROTTLE_CLASSES": [
        "tenants.api.throttling.APIKeyRateThrottle",  # issue 20: per API key
        "tenants.api.throttling.AgentRateThrottle",
        "tenants.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api.permissions.IsJurisdictionMember"],
    # issue 20: drf-spectacular's, plus every operation's error answers (tenants/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "tenants.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tenants.api.errors.exception_handler",
    # issue 20: cursor pagination everywhere (tenants/api/pagination.py), filters and ordering.
    "DEFAULT_PAGINATION_CLASS": "tenants.api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Suivi justice — juridictions",
    "DESCRIPTION": (
        "API REST d'une juridiction : personnes suivies, lieux, agendas, types de rendez-vous, "
        "créneaux, rendez-vous, SMS et flux des changements. Chaque juridiction a son hôte "
        "(https://<juridiction>.<domaine>/api/v1/), ses données et ses comptes : une clé ou une "
        "session d'une juridiction n'ouvre rien chez une autre.\n\n"
        "Authentification : en-tête `Authorization: Api-Key <clé>` (clés créées par "
        "l'administrateur local, Pilotage → Clés d'API) ou session d'un agent connecté. "
        "Listes paginées par curseur (`?cursor=`, `?page_size=` de 1 à 1000). Erreurs au "
        'format `{"error": {"status", "code", "message", "fields"}}`, messages en français. '
        "Guide : docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["tenants.api.permissions.IsJurisdictionMember"],
    # The schema's paths are absolute (/api/v1/...): the server is the host that serves it.
    "SERVERS": [{"url": "/", "description": "L'hôte de la juridiction qui sert ce schéma"}],
    # One name per choice set shared by several resources (--fail-on-warn, tests/api).
    "ENUM_NAME_OVERRIDES": {
        "AppointmentStateEnum": "jurisdiction_apps.scheduling.constants.AppointmentState",
        "EventKindEnum": "jurisdiction_apps.scheduling.constants.EventKind",
        "NotifyModeEnum": "jurisdiction_apps.scheduling.constants.NotifyMode",
        "MessageStateEnum": "jurisdiction_apps.notifications.constants.MessageState",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Request bodies without the read-only fields (what a client really sends).
    "COMPONENT_SPLIT_REQUEST": True,
    "TAGS": [
        {"name": "moi", "description": "L'appelant, son rôle et l'heure locale."},
        {"name": "battements", "description": "Les battements de la juridiction (supervision)."},
        {"name": "personnes", "description": "Les personnes suivies."},
        {"name": "lieux", "description": "Les lieux de rendez-vous (lecture)."},
        {"name": "agendas", "description": "Les agendas (lecture)."},
        {"name": "types-rendez-vous", "description": "Les types de rendez-vous (lecture)."},
        {"name": "creneaux", "description": "Les créneaux libres."},
        {"name": "rendez-vous", "description": "Les rendez-vous et leurs transitions."},
        {"name": "changements", "description": "Le flux des événements des rendez-vous."},
    ],
    # Swagger UI and Redoc from our static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# The national read-only API of the public host: its own title, open to all.
PUBLIC_API_SPECTACULAR_SETTINGS = {
    "TITLE": "API Suivi justice — données nationales",
    "DESCRIPTION": (
        "API nationale en lecture seule, ouverte à tous (données publiques) : statistiques "
        "publiées (les chiffres reposant sur moins de 10 personnes sont masqués), annuaire des "
        "services (tribunaux et SPIP) et annuaire de la réinsertion. Sans authentification, "
        "limitée par adresse (429 et `Retry-After` au-delà), réponses mises en cache. "
        "Guide : docs/api.md."
    ),
    "SERVERS": [{"url": "/", "description": "L'hôte national qui sert ce schéma"}],
    "TAGS": [
        {"name": "statistiques", "description": "Les statistiques nationales publiées."},
        {"name": "services", "description": "L'annuaire des services (préparer ma convocation)."},
        {"name": "reinsertion", "description": "L'annuaire des structures de réinsertion."},
    ],
}

# --- Internationalisation and time ----------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"  # default only: each jurisdiction activates its own zone
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Proof files of the portal: never under MEDIA_ROOT, never served but through checked views.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# CSP, Permissions-Policy and agents' sessions: the hardening block after PLATFORM_DOMAIN below.


# --- Logging: the schema on every line, never personal data ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant_context": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {
            "format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["tenant_context"],
            "formatter": "tenant",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
    },
}

# --- Error reports ----------------------------------------------------------------------------
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "development")

# --- Audit trail (django-pghistory, trigger-based: bulk updates are caught too) ----------------
PGTRIGGER_INSTALL_ON_MIGRATE = False  # triggers are in the migrations of each tenant app
# Reads write nothing audited: no pghistory context on GET (it wraps every statement).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# --- Platform ---------------------------------------------------------------------------------
# The parent domain of jurisdiction hosts: <slug>.<PLATFORM_DOMAIN>.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost")
# Port appended to the links built between hosts (development only).
PLATFORM_PORT = env_str("PORT", "")
# Scheme of the links built outside a request (the STOP link of every SMS).
PLATFORM_SCHEME = env_str("PLATFORM_SCHEME", "http")

# >>> hardening (issue 16, point 4): CSP, Permissions-Policy, agents' sessions -----------------
# Content-Security-Policy (django-csp 4): nothing inline but what carries the request's nonce
# (the jurisdiction's colour, a <style> in the layout); every script is a served static file.
# Forms may post to the platform's own hosts: the jurisdiction switch posts on one host and is
# redirected to another, and Chromium applies form-action to redirects. CSP_EXTRA_FORM_ACTION adds
# origins a form may lead to (an identity provider's logout, for example).
CSP_PLATFORM_SOURCES = [f"{PLATFORM_DOMAIN}:*", f"*.{PLATFORM_DOMAIN}:*"]
CSP_EXTRA_FORM_ACTION = env_list("CSP_EXTRA_FORM_ACTION")


def content_security_policy(platform_sources: list[str], extra_form_action: list[str]) -> dict:
    from csp.constants import NONCE, NONE, SELF

    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF, NONCE],
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [NONE],
            "frame-ancestors": [NONE],
            "form-action": [SELF, *platform_sources, *extra_form_action],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(CSP_PLATFORM_SOURCES, CSP_EXTRA_FORM_ACTION)
# Permissions-Policy (django-permissions-policy): no powerful feature for anybody.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Security keys and passkeys (the second factor, WebAuthn) on the platform's own pages only.
PERMISSIONS_POLICY["publickey-credentials-get"] = ["self"]
PERMISSIONS_POLICY["publickey-credentials-create"] = ["self"]
# Agents' sessions: bound to the host they were opened on, closed after this many seconds
# without activity (a warning shows two minutes before); SESSION_COOKIE_AGE stays the absolute
# lifetime. The portal of the people followed has its own idle timeout (portal/session.py), with
# the same warning before.
SESSION_IDLE_TIMEOUT_SECONDS = int(env_str("SESSION_IDLE_TIMEOUT_SECONDS", "1800"))
SESSION_IDLE_WARNING_SECONDS = int(env_str("SESSION_IDLE_WARNING_SECONDS", "120"))
PORTAL_IDLE_TIMEOUT_SECONDS = int(env_str("PORTAL_IDLE_TIMEOUT_SECONDS", "1800"))
# API: tokens older than this are refused; requests per user / per address (DRF rate syntax).
# The address is read behind TRUSTED_PROXY_COUNT proxies (DRF's NUM_PROXIES, as tenants/net.py).
API_TOKEN_TTL_HOURS = int(env_str("API_TOKEN_TTL_HOURS", "24"))
# Issue 20: an Idempotency-Key is remembered this long (tenants/api/idempotency.py); the nightly
# retention job deletes older ones (shared/retention/tasks.py).
IDEMPOTENCY_KEY_TTL_HOURS = int(env_str("IDEMPOTENCY_KEY_TTL_HOURS", "24"))
API_THROTTLE_RATES = {
    "key": env_str("API_THROTTLE_KEY_RATE", "600/minute"),
    "user": env_str("API_THROTTLE_USER_RATE", "120/minute"),
    "anon": env_str("API_THROTTLE_ANON_RATE", "30/minute"),
    # issue 20: the national read-only API of the public host, per address (tenants/api/public.py).
    "public": env_str("API_THROTTLE_PUBLIC_RATE", "120/minute"),
}
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# <<< hardening (issue 16, point 4) ------------------------------------------------------------

from saas_platform.sentry import init_sentry  # noqa: E402

init_sentry(SENTRY_DSN, SENTRY_ENVIRONMENT)
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Periodic work (ADR 0004) -------------------------------------------------------------------
# name of the beat entry -> (task run in each jurisdiction, interval setting name[, scope]);
# scope "live" (the default) or "all" (onboarding and suspended jurisdictions too).
# Each entry's tenant task reaches only the jurisdictions of its scope that have work for it, as
# the finder its app registers says (docs/adr/0019, tenants/wake.py); without a finder, all of them.
PERIODIC_TASKS = {
    # One national task writes every live jurisdiction's heartbeat row (jurisdiction_apps/core).
    "Battement de chaque juridiction": (
        "platform.heartbeat",
        "HEARTBEAT_INTERVAL_SECONDS",
        "national",
    ),
    "Génération des créneaux": ("jurisdiction.generate_slots", "SLOT_GENERATION_INTERVAL_SECONDS"),
    "Envoi des SMS dus": ("jurisdiction.sms_sweep", "SMS_SWEEP_INTERVAL_SECONDS"),
    "Statistiques nationales": (
        "jurisdiction.refresh_statistics",
        "STATS_REFRESH_INTERVAL_SECONDS",
        "all",
    ),
    # Issue 18: expired sessions, then jurisdiction.retention in every jurisdiction (its own
    # fan-out, shared/retention/tasks.py). A crontab: at night, in CELERY_TIMEZONE.
    "Conservation des données (chaque nuit)": (
        "platform.retention_nightly",
        "RETENTION_SCHEDULE",
        "national",
    ),
    # Issue 19: reminders of transfer requests nearing their due date, automatic acceptances.
    "Transferts en attente": ("platform.transfers_due", "TRANSFERS_INTERVAL_SECONDS", "national"),
}
# How each scope reaches the jurisdictions; "national" runs the task itself, once.
PERIODIC_FAN_OUT_TASKS = {
    "live": "platform.wake_live_jurisdictions",
    "all": "platform.wake_every_jurisdiction",
    "national": None,
}
# A number of seconds (an interval) or a crontab "minute hour day month weekday".
RETENTION_SCHEDULE = env_str("RETENTION_SCHEDULE", "30 2 * * *")
# After each of its transactions the job pauses this many times the transaction's duration, so
# that agents and the SMS sweep get the CPU and the disk (0: no pause; docs/deployment.md).
RETENTION_PAUSE_RATIO = float(env_str("RETENTION_PAUSE_RATIO", "2"))

# --- People across jurisdictions (issue 19: shared/person_index, shared/transfers) -------------
# The secret of the national person index's keyed hashes (HMAC-SHA256); changing it means running
# `manage.py rebuild_person_index --rehash`. Development and tests use a known value (local.py).
PERSON_INDEX_SECRET = env_str("PERSON_INDEX_SECRET", "")
# How often the beat looks for transfer requests to remind or accept automatically.
TRANSFERS_INTERVAL_SECONDS = int(env_str("TRANSFERS_INTERVAL_SECONDS", "900"))

# --- Deployments at national size (tenants/deploy.py, docs/deployment.md) ---------------------
# Schemas migrated at once by `manage.py deploy_migrations` (forked processes).
DEPLOY_MIGRATION_PROCESSES = int(env_str("DEPLOY_MIGRATION_PROCESSES", "4"))
# A migration's DDL waits at most this long for its lock, then gives up and is tried again later:
# a DDL queued behind a long transaction would make every agent's query queue behind it.
DEPLOY_LOCK_TIMEOUT_MS = int(env_str("DEPLOY_LOCK_TIMEOUT_MS", "1000"))

# --- ProConnect: agents' sign-in (OpenID Connect; ADR 0016, docs/deployment.md) ---------------
# The defaults point at the local provider of make run (devtools/oidc_provider.py); production
# reads every value from the environment (settings/prod.py).
PROCONNECT_ENABLED = env_bool("PROCONNECT_ENABLED", True)
PROCONNECT_DISCOVERY_URL = env_str(
    "PROCONNECT_DISCOVERY_URL", "http://localhost:8030/.well-known/openid-configuration"
)
PROCONNECT_CLIENT_ID = env_str("PROCONNECT_CLIENT_ID", "suivi-justice-dev")
PROCONNECT_CLIENT_SECRET = env_str("PROCONNECT_CLIENT_SECRET", "dev-proconnect-secret")
# One callback and one post-logout URI for the whole platform, on the public host: the session is
# then handed over to the jurisdiction host where the sign-in was asked (ADR 0016).
_PROCONNECT_ORIGIN = f"{PLATFORM_SCHEME}://{PLATFORM_DOMAIN}" + (
    f":{PLATFORM_PORT}" if PLATFORM_PORT not in ("", "80", "443") else ""
)
PROCONNECT_REDIRECT_URI = env_str(
    "PROCONNECT_REDIRECT_URI", f"{_PROCONNECT_ORIGIN}/proconnect/retour/"
)
PROCONNECT_POST_LOGOUT_REDIRECT_URI = env_str(
    "PROCONNECT_POST_LOGOUT_REDIRECT_URI", f"{_PROCONNECT_ORIGIN}/proconnect/deconnexion/fin/"
)
PROCONNECT_SCOPES = env_str(
    "PROCONNECT_SCOPES", "openid email given_name usual_name uid siret idp_id"
)
# Asked level (acr_values); the identity provider may assert a higher one, which is recorded.
PROCONNECT_ACR_VALUES = env_str("PROCONNECT_ACR_VALUES", "eidas1")
# ProConnect levels that count as a second factor (read by the MFA gate with
# request.session["proconnect"]["acr"]).
PROCONNECT_STRONG_ACR = env_list("PROCONNECT_STRONG_ACR", "eidas2,eidas3")
# ProConnect sends no email_verified claim: the e-mail comes from the identity provider of the
# agent's administration (ProConnect recommends it to match accounts). True: an absent claim
# counts as verified; an explicit false is always refused. False: only email_verified=true passes.
PROCONNECT_EMAIL_VERIFIED_WHEN_ABSENT = env_bool("PROCONNECT_EMAIL_VERIFIED_WHEN_ABSENT", True)
PROCONNECT_SIGNING_ALGS = env_list("PROCONNECT_SIGNING_ALGS", "RS256,ES256")
PROCONNECT_HTTP_TIMEOUT_SECONDS = float(env_str("PROCONNECT_HTTP_TIMEOUT_SECONDS", "10"))
# A sign-in not finished within this many seconds must start again (state, nonce, PKCE verifier).
PROCONNECT_STATE_TTL_SECONDS = int(env_str("PROCONNECT_STATE_TTL_SECONDS", "600"))
# --- end of ProConnect -------------------------------------------------------------------------
