from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("agenda/", views.day_view, name="day"),
    path("agenda/a-renseigner/", views.awaiting_outcome, name="awaiting"),
    path("agenda/absences/", views.no_shows, name="no_shows"),
]
