from django.urls import path

from . import editor, views

app_name = "notifications"

urlpatterns = [
    path("sms/echecs/", views.failures, name="failures"),
    path("sms/<int:pk>/renvoyer/", views.retry, name="retry"),
    path("sms/personnes/<int:pk>/sans-portable/", views.no_mobile, name="no_mobile"),
    path("sms/personnes/<int:pk>/refus/", views.sms_refusal, name="sms_refusal"),
    path("sms/textes/", editor.template_list, name="templates"),
    path("sms/textes/apercu/", editor.template_preview, name="template_preview"),
    path("sms/textes/<int:pk>/<slug:kind>/", editor.template_edit, name="template_edit"),
    path("stop/<str:token>/", views.stop, name="stop"),
]
