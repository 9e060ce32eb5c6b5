"""Transfer screens of a jurisdiction host (issue 19, point 5), under ``/transferts/``."""

from django.urls import path

from . import views

app_name = "transfers"

urlpatterns: list = []
urlpatterns += [
    path("demander/", views.ask, name="ask"),
]
