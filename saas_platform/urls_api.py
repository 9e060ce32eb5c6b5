"""The REST API of a jurisdiction host, /api/v1/: each resource lives in its app's ``api.py``
(the permission class and error format in tenants/api/); this file only mounts them. Route names
start with "api-" (tests/tenants/test_permissions.py tells API routes from pages by it)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from jurisdiction_apps.core.api import HeartbeatList
from jurisdiction_apps.notifications.api import AppointmentSmsView
from jurisdiction_apps.organisation.api import AgendaViewSet, AppointmentTypeViewSet, PlaceViewSet
from jurisdiction_apps.people.api import PersonViewSet
from jurisdiction_apps.scheduling.api import AppointmentReadViewSet, ChangesFeedViewSet
from jurisdiction_apps.scheduling.api_writes import AppointmentWriteMixin, SlotSearchView
from tenants.api.views import MeView


class AppointmentViewSet(AppointmentWriteMixin, AppointmentReadViewSet):
    """Appointments: list and read (scheduling/api.py), book and change (api_writes.py)."""

    lookup_value_regex = r"[0-9]+"


router = SimpleRouter(trailing_slash=True)
router.register("personnes", PersonViewSet, basename="api-personnes")
router.register("lieux", PlaceViewSet, basename="api-lieux")
router.register("agendas", AgendaViewSet, basename="api-agendas")
router.register("types-rendez-vous", AppointmentTypeViewSet, basename="api-types-rendez-vous")
router.register("rendez-vous", AppointmentViewSet, basename="api-appointments")
router.register("changements", ChangesFeedViewSet, basename="api-changes")

urlpatterns = [
    path("moi/", MeView.as_view(), name="api-me"),
    path("battements/", HeartbeatList.as_view(), name="api-heartbeats"),
    path("creneaux/", SlotSearchView.as_view(), name="api-slots"),
    path("rendez-vous/<int:pk>/sms/", AppointmentSmsView.as_view(), name="api-appointment-sms"),
    *router.urls,
]
