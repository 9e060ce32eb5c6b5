"""The REST API of a jurisdiction host, /api/v1/: each resource lives in its app's ``api.py``
(the permission class and error format in tenants/api/); this file only mounts them."""

from django.urls import path
from rest_framework import viewsets
from rest_framework.routers import SimpleRouter

from jurisdiction_apps.core.api import HeartbeatList
from jurisdiction_apps.notifications.api import AppointmentSmsView
from jurisdiction_apps.scheduling.api_writes import AppointmentWriteMixin, SlotSearchView
from tenants.api.permissions import ActionPermission
from tenants.api.views import MeView


# Issue 20, write side: the coordinator composes AppointmentWriteMixin with the read side's
# AppointmentReadViewSet (scheduling/api.py) into one ``rendez-vous`` viewset.
class AppointmentViewSet(AppointmentWriteMixin, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    lookup_value_regex = r"[0-9]+"


router = SimpleRouter()
router.register("rendez-vous", AppointmentViewSet, basename="api-appointments")

urlpatterns = [
    path("moi/", MeView.as_view(), name="api-me"),
    path("battements/", HeartbeatList.as_view(), name="api-heartbeats"),
    path("creneaux/", SlotSearchView.as_view(), name="api-slots"),
    path("rendez-vous/<int:pk>/sms/", AppointmentSmsView.as_view(), name="api-appointment-sms"),
    *router.urls,
]
