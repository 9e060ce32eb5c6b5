from django.urls import path

from .views import HeartbeatList, MeView

urlpatterns = [
    path("moi/", MeView.as_view(), name="api-me"),
    path("battements/", HeartbeatList.as_view(), name="api-heartbeats"),
]
