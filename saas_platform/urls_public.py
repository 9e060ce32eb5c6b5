"""URLs of the public host: the information site, the national console, Django admin (staff)."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from jurisdiction_apps.notifications import receipts
from shared.accounts.proconnect import urls as proconnect_urls
from shared.console import views
from shared.national_stats import views as statistics_views
from shared.national_stats.activity import last_activity
from shared.public_site import views as public_site_views
from shared.transfers.queries import in_flight as transfers_in_flight
from tenants.api.docs import RedocView, SwaggerView, redoc_bundle

admin.site.site_header = "Suivi justice — administration nationale"
admin.site.site_title = "Suivi justice"
# The admin signs in through allauth: its limits, and the second factor its staff must pass.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", public_site_views.home, name="home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    # The console shows each jurisdiction's last activity, read by the statistics app, and its
    # transfers in flight (counts), read by the transfers app.
    path(
        "console/",
        views.console,
        {"activity": last_activity, "transfers": transfers_in_flight},
        name="console",
    ),
    path("console/conservation/", views.retention, name="console-retention"),
    path("statistiques/", statistics_views.national, name="national-statistics"),
    path("statistiques/export.csv", statistics_views.export, name="national-statistics-export"),
    path("deploiement/", include("onboarding.creation.urls")),
    path("deploiement/", include("onboarding.imports.urls")),
    # The idle-timeout warning of agents' sessions (shared/accounts/session_guard.py).
    path("", include("shared.accounts.session_urls")),
    path("comptes/", include("allauth.urls")),
    path("", include(proconnect_urls.public_patterns)),
    path("admin/", admin.site.urls),
    # The national read-only API (open data) and its documentation, open to all.
    path("api/v1/", include("saas_platform.urls_api_public")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(
            urlconf=settings.PUBLIC_SCHEMA_URLCONF,
            custom_settings=settings.PUBLIC_API_SPECTACULAR_SETTINGS,
            permission_classes=[AllowAny],
            authentication_classes=[],
        ),
        name="api-schema",
    ),
    path(
        "api/docs/",
        SwaggerView.as_view(url_name="api-schema", permission_classes=[AllowAny]),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        RedocView.as_view(url_name="api-schema", permission_classes=[AllowAny]),
        name="api-redoc",
    ),
    # Outside /api/ (cacheable there): Redoc's script without its CDN logo (tenants/api/docs.py).
    path("api-docs/redoc.js", redoc_bundle, name="api-redoc-bundle"),
    # Delivery receipts of the SMS providers (authenticated by their secret).
    path("sms/accuses/link/", receipts.link_receipt, name="sms-receipt-link"),
    path("sms/accuses/brevo/", receipts.brevo_receipt, name="sms-receipt-brevo"),
    # The national information site; last, for its /<slug>/ pages about the site.
    path("", include("shared.public_site.urls")),
]

handler403 = "saas_platform.errors.forbidden"
handler404 = "saas_platform.errors.not_found"
handler500 = "saas_platform.errors.server_error"
