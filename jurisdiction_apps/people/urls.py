from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("nouvelle/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/modifier/", views.person_edit, name="edit"),
    path("<int:pk>/archiver/", views.person_archive, name="archive"),
    path("<int:pk>/tracabilite/", views.person_audit, name="audit"),
]
