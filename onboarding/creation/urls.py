"""URLs of onboarding, on the public host under /deploiement/."""

from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("", views.index, name="index"),
    path("juridictions/nouvelle/", views.create, name="create"),
    path("creations/<int:pk>/", views.creation, name="creation"),
    path("juridictions/<slug:slug>/", views.jurisdiction_checklist, name="checklist"),
    path("juridictions/<slug:slug>/identite-visuelle/", views.branding, name="branding"),
    path("juridictions/<slug:slug>/sms-test/", views.test_sms_send, name="test-sms"),
    path("juridictions/<slug:slug>/sms-test/code/", views.test_sms_confirm, name="test-sms-code"),
    path("juridictions/<slug:slug>/textes-sms/", views.sms_review, name="sms-review"),
    path("juridictions/<slug:slug>/ouvrir/<slug:page>/", views.open_on_host, name="open-on-host"),
    path("juridictions/<slug:slug>/mise-en-service/", views.go_live, name="go-live"),
]
