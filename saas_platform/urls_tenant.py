"""URLs of a jurisdiction host (<slug>.<domain>)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from jurisdiction_apps.casefile import urls as casefile_urls
from jurisdiction_apps.casefile import views as casefile_views
from jurisdiction_apps.organisation import urls as organisation_urls
from jurisdiction_apps.people import urls as people_urls
from jurisdiction_apps.scheduling import slot_urls
from jurisdiction_apps.scheduling import urls as scheduling_urls
from shared.accounts.proconnect import urls as proconnect_urls
from shared.national_stats import views as statistics_views
from tenants import api_key_views, views
from tenants.api.docs import RedocView, SwaggerView, redoc_bundle

# The organisation section of the back-office: places, agendas and agents (organisation), slot
# templates and slots (scheduling, the app above it), under one namespace.
organisation_section = (organisation_urls.urlpatterns + slot_urls.urlpatterns, "organisation")
# A person's and an appointment's file pages (casefile, above every app whose data they show).
people_section = (people_urls.urlpatterns + casefile_urls.person_patterns, "people")
scheduling_section = (
    scheduling_urls.urlpatterns + casefile_urls.appointment_patterns,
    "scheduling",
)

urlpatterns = [
    path("", views.home, name="home"),
    # The agent's home: the day's work (casefile reads every app it shows; tenants cannot).
    path("tableau-de-bord/", casefile_views.home, name="dashboard"),
    path("changer/<slug:slug>/", views.switch, name="switch-jurisdiction"),
    path("", include(proconnect_urls.jurisdiction_patterns)),
    path("connexion/relais/<str:token>/", views.accept_handoff, name="accept-handoff"),
    path("mon-espace/", include("jurisdiction_apps.portal.urls")),
    path("", include("jurisdiction_apps.portal.team_urls")),
    path("personnes/", include(people_section)),
    path("organisation/", include(organisation_section)),
    path("", include(scheduling_section)),
    path("", include("jurisdiction_apps.notifications.urls")),
    # issue 20: the local admin's API keys (Pilotage).
    path("pilotage/cles-api/", api_key_views.key_list, name="api_keys"),
    path("pilotage/cles-api/nouvelle/", api_key_views.key_new, name="api_key_new"),
    path("pilotage/cles-api/<str:prefix>/cle/", api_key_views.key_shown, name="api_key_shown"),
    path(
        "pilotage/cles-api/<str:prefix>/renouveler/",
        api_key_views.key_rotate,
        name="api_key_rotate",
    ),
    path(
        "pilotage/cles-api/<str:prefix>/revoquer/",
        api_key_views.key_revoke,
        name="api_key_revoke",
    ),
    path("statistiques/", statistics_views.jurisdiction, name="statistics"),
    path("transferts/", include("shared.transfers.urls")),
    *casefile_urls.retention_patterns,
    # The idle-timeout warning of agents' sessions (shared/accounts/session_guard.py).
    path("", include("shared.accounts.session_urls")),
    path("comptes/", include("allauth.urls")),
    path("api/v1/", include("saas_platform.urls_api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The API's documentation, from our static files (members of the jurisdiction, as the schema).
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # Outside /api/ (cacheable there): Redoc's script without its CDN logo (tenants/api/docs.py).
    path("api-docs/redoc.js", redoc_bundle, name="api-redoc-bundle"),
]

handler403 = "saas_platform.errors.forbidden"
handler404 = "saas_platform.errors.not_found"
handler500 = "saas_platform.errors.server_error"
