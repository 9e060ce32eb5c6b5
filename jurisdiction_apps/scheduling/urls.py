from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("agenda/", views.day_view, name="day"),
    path("agenda/feuille/", views.day_sheet, name="day_sheet"),
    path("agenda/a-renseigner/", views.awaiting_outcome, name="awaiting"),
    path("agenda/absences/", views.no_shows, name="no_shows"),
    path("convocations/nouvelle/", views.book_view, name="book"),
    path("convocations/<int:pk>/", views.appointment_detail, name="appointment"),
    path("convocations/<int:pk>/statut/", views.transition, name="transition"),
    path("convocations/<int:pk>/reporter/", views.reschedule_view, name="reschedule"),
]
