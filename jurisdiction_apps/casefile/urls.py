"""The file pages, mounted by saas_platform/urls_tenant.py in the sections they belong to: the
person's under "people", the appointment's under "scheduling"."""

from django.urls import path

from . import export_views, retention_views, views

person_patterns = [
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/tracabilite/", views.person_audit, name="audit"),
    path("<int:pk>/effacer/", retention_views.erase, name="erase"),
    path("<int:pk>/donnees/", export_views.data_export, name="data_export"),
]
retention_patterns = [
    path("conservation/", retention_views.overview, name="retention"),
]
appointment_patterns = [
    path("convocations/<int:pk>/", views.appointment_detail, name="appointment"),
]
