"""Transfer screens of a jurisdiction host (issue 19, point 5), under ``/transferts/``."""

from django.urls import path

from . import views, worklist_views

app_name = "transfers"

urlpatterns: list = []
urlpatterns += [
    path("demander/", views.ask, name="ask"),
]
urlpatterns += [
    path("", worklist_views.worklist, name="list"),
    path("<int:pk>/", worklist_views.detail, name="detail"),
    path("<int:pk>/accepter/", worklist_views.accept, name="accept"),
    path("<int:pk>/refuser/", worklist_views.refuse, name="refuse"),
    path("<int:pk>/annuler/", worklist_views.cancel, name="cancel"),
    path("personne/<int:person_id>/", worklist_views.offer, name="offer"),
]
