from django.urls import path

from . import views

# Mounted with the slot screens (scheduling/slot_urls.py) under one "organisation" namespace by
# saas_platform/urls_tenant.py.

urlpatterns = [
    path("", views.index, name="index"),
    # places
    path("lieux/", views.place_list, name="places"),
    path("lieux/nouveau/", views.place_create, name="place_create"),
    path("lieux/<int:pk>/modifier/", views.place_edit, name="place_edit"),
    path("lieux/<int:pk>/archiver/", views.place_archive, name="place_archive"),
    path("lieux/<int:pk>/supprimer/", views.place_delete, name="place_delete"),
    # agendas
    path("agendas/", views.agenda_list, name="agendas"),
    path("agendas/nouveau/", views.agenda_create, name="agenda_create"),
    path("agendas/<int:pk>/modifier/", views.agenda_edit, name="agenda_edit"),
    path("agendas/<int:pk>/archiver/", views.agenda_archive, name="agenda_archive"),
    path("agendas/<int:pk>/supprimer/", views.agenda_delete, name="agenda_delete"),
    # agents
    path("agents/", views.agent_list, name="agents"),
    path("agents/inviter/", views.agent_invite, name="agent_invite"),
    path("agents/<int:pk>/role/", views.agent_role, name="agent_role"),
    path("agents/<int:pk>/desactiver/", views.agent_deactivate, name="agent_deactivate"),
]
