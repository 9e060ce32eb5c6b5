from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("juridictions/<slug:slug>/imports/", views.job_list, name="list"),
    path("imports/modeles/<slug:kind>.csv", views.model_file, name="model"),
    path("imports/<uuid:job_id>/", views.job_detail, name="detail"),
    path("imports/<uuid:job_id>/confirmer/", views.job_confirm, name="confirm"),
    path("imports/<uuid:job_id>/progression.json", views.job_progress, name="progress"),
    path("imports/<uuid:job_id>/rapport.csv", views.job_report, name="report"),
]
