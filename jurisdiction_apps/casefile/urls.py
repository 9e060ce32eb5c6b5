"""The file pages, mounted by saas_platform/urls_tenant.py in the sections they belong to: the
person's under "people", the appointment's under "scheduling"."""

from django.urls import path

from . import views

person_patterns = [
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/tracabilite/", views.person_audit, name="audit"),
]
appointment_patterns = [
    path("convocations/<int:pk>/", views.appointment_detail, name="appointment"),
]
