from django.urls import path

from . import views

# Mounted with the appointment page (casefile/urls.py) under the "scheduling" namespace by
# saas_platform/urls_tenant.py.

urlpatterns = [
    path("agenda/", views.day_view, name="day"),
    path("agenda/feuille/", views.day_sheet, name="day_sheet"),
    path("agenda/a-renseigner/", views.awaiting_outcome, name="awaiting"),
    path("agenda/absences/", views.no_shows, name="no_shows"),
    path("convocations/nouvelle/", views.book_view, name="book"),
    path("convocations/<int:pk>/statut/", views.transition, name="transition"),
    path("convocations/<int:pk>/reporter/", views.reschedule_view, name="reschedule"),
]
