from django.urls import path

from . import views

# Mounted with the file pages (casefile/urls.py) under the "people" namespace by
# saas_platform/urls_tenant.py.

urlpatterns = [
    path("", views.person_list, name="list"),
    path("nouvelle/", views.person_create, name="create"),
    path("<int:pk>/modifier/", views.person_edit, name="edit"),
    path("<int:pk>/archiver/", views.person_archive, name="archive"),
    path("<int:pk>/conservation/", views.person_hold, name="hold"),
]
