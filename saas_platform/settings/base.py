"""Settings shared by every environment. Everything that varies is read from the environment.

See README.md ("Environment variables") for the list.
"""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_list, env_str, redis_urls

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
# Jurisdiction domains are data: the tenant middleware answers 404 for any host it does not know,
# so the host check is done there. Production narrows this with DJANGO_ALLOWED_HOSTS.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "*")
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tenants.middleware.MembershipMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
            ],
        },
    },
]

WSGI_APPLICATION = "saas_platform.wsgi.application"
ASGI_APPLICATION = "saas_platform.asgi.application"

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/justice"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker and results ----------------------------------------------------
REDIS_URL, CELERY_BROKER_URL = redis_urls(env_str("REDIS_URL", "redis://127.0.0.1:6379/0"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key carries the schema of the connection (django-tenants).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
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
        "user": env_str("SMS_LINK_USER", "dev-link"),
        "password": env_str("SMS_LINK_PASSWORD", "dev-link-password"),
        "timeout": SMS_HTTP_TIMEOUT_SECONDS,
    },
    "brevo": {
        "url": env_str("SMS_BREVO_URL", SMS_GATEWAY_URL + "/v3/transactionalSMS/send"),
        "events_url": env_str(
            "SMS_BREVO_EVENTS_URL", SMS_GATEWAY_URL + "/v3/transactionalSMS/statistics/events"
        ),
        "api_key": env_str("SMS_BREVO_API_KEY", "dev-brevo-key"),
        "web_url": env_str("SMS_BREVO_WEBHOOK_URL", ""),
        "timeout": SMS_HTTP_TIMEOUT_SECONDS,
    },
}
# Secrets that authenticate the delivery receipts (webhooks of the public host).
SMS_LINK_WEBHOOK_SECRET = env_str("SMS_LINK_WEBHOOK_SECRET", "dev-link-webhook-secret")
SMS_BREVO_WEBHOOK_TOKEN = env_str("SMS_BREVO_WEBHOOK_TOKEN", "dev-brevo-webhook-token")
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
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Suivi justice"
SESSION_COOKIE_AGE = 8 * 3600
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
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api.permissions.IsJurisdictionMember"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tenants.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Suivi justice",
    "DESCRIPTION": "API des juridictions : chacune a son hôte, ses données et ses agents.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["tenants.api.permissions.IsJurisdictionMember"],
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
# Proxies in front of the app: the portal's per-address limit then reads X-Forwarded-For.
PORTAL_TRUSTED_PROXIES = int(env_str("PORTAL_TRUSTED_PROXIES", "0"))
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

from saas_platform.sentry import init_sentry  # noqa: E402

init_sentry(SENTRY_DSN, SENTRY_ENVIRONMENT)
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Periodic work (ADR 0004) -------------------------------------------------------------------
# name of the beat entry -> (task run in each jurisdiction, interval setting name[, scope]);
# scope "live" (the default) or "all" (onboarding and suspended jurisdictions too).
PERIODIC_TASKS = {
    "Battement de chaque juridiction": ("jurisdiction.heartbeat", "HEARTBEAT_INTERVAL_SECONDS"),
    "Génération des créneaux": ("jurisdiction.generate_slots", "SLOT_GENERATION_INTERVAL_SECONDS"),
    "Envoi des SMS dus": ("jurisdiction.sms_sweep", "SMS_SWEEP_INTERVAL_SECONDS"),
    "Statistiques nationales": (
        "jurisdiction.refresh_statistics",
        "STATS_REFRESH_INTERVAL_SECONDS",
        "all",
    ),
}
PERIODIC_FAN_OUT_TASKS = {
    "live": "platform.run_in_live_jurisdictions",
    "all": "platform.run_in_every_jurisdiction",
}

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
