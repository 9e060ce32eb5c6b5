"""The REST API of a jurisdiction host, /api/v1/: each resource lives in its app's ``api.py``
(the permission class and error format in tenants/api/); this file only mounts them."""

from django.urls import path

from jurisdiction_apps.core.api import HeartbeatList
from tenants.api.views import MeView

urlpatterns = [
    path("moi/", MeView.as_view(), name="api-me"),
    path("battements/", HeartbeatList.as_view(), name="api-heartbeats"),
]
