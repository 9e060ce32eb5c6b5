"""The slot screens, in the back-office's organisation section: saas_platform/urls_tenant.py
mounts them with organisation's own URLs under /organisation/ and the "organisation" namespace."""

from django.urls import path

from . import slot_views as views

urlpatterns = [
    # slot templates
    path("modeles/", views.slot_template_list, name="slot_templates"),
    path("modeles/nouveau/", views.slot_template_create, name="slot_template_create"),
    path("modeles/<int:pk>/modifier/", views.slot_template_edit, name="slot_template_edit"),
    path(
        "modeles/<int:pk>/desactiver/",
        views.slot_template_deactivate,
        name="slot_template_deactivate",
    ),
    # slots
    path("creneaux/", views.slot_list, name="slots"),
    path("creneaux/nouveau/", views.slot_create, name="slot_create"),
]
