from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("lieux/", views.place_list, name="places"),
]
