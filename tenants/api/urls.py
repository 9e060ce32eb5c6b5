from django.urls import path

from .views import MeView

urlpatterns = [
    path("moi/", MeView.as_view(), name="api-me"),
]
