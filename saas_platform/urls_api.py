"""The REST API of a jurisdiction host, /api/v1/: each resource lives in its app's ``api.py``
(the permission class and error format in tenants/api/); this file only mounts them."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from jurisdiction_apps.core.api import HeartbeatList
from jurisdiction_apps.scheduling.api import AppointmentReadViewSet, ChangesFeedViewSet
from tenants.api.views import MeView

urlpatterns = [
    path("moi/", MeView.as_view(), name="api-me"),
    path("battements/", HeartbeatList.as_view(), name="api-heartbeats"),
]

# Appointments, read side, and the changes feed (issue 20; the writes on the same prefix come from
# jurisdiction_apps/scheduling/api_writes.py).
appointments_router = SimpleRouter()
appointments_router.register("rendez-vous", AppointmentReadViewSet, basename="rendez-vous")
appointments_router.register("changements", ChangesFeedViewSet, basename="changements")
urlpatterns += appointments_router.urls
