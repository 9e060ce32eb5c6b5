"""The REST API of a jurisdiction host, /api/v1/: each resource lives in its app's ``api.py``
(the permission class and error format in tenants/api/); this file only mounts them."""

from django.urls import path

from jurisdiction_apps.core.api import HeartbeatList
from tenants.api.views import MeView

urlpatterns = [
    path("moi/", MeView.as_view(), name="api-me"),
    path("battements/", HeartbeatList.as_view(), name="api-heartbeats"),
]

# Issue 20: people, places, agendas and appointment types (organisation: read only). Route
# names start with "api-" like the others (tests/tenants/test_permissions.py).
from rest_framework.routers import SimpleRouter  # noqa: E402

from jurisdiction_apps.organisation.api import (  # noqa: E402
    AgendaViewSet,
    AppointmentTypeViewSet,
    PlaceViewSet,
)
from jurisdiction_apps.people.api import PersonViewSet  # noqa: E402

router = SimpleRouter(trailing_slash=True)
router.register("personnes", PersonViewSet, basename="api-personnes")
router.register("lieux", PlaceViewSet, basename="api-lieux")
router.register("agendas", AgendaViewSet, basename="api-agendas")
router.register("types-rendez-vous", AppointmentTypeViewSet, basename="api-types-rendez-vous")
urlpatterns += router.urls
