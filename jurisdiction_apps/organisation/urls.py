from django.urls import path

from . import views

app_name = "organisation"

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
    # agents
    path("agents/", views.agent_list, name="agents"),
    path("agents/inviter/", views.agent_invite, name="agent_invite"),
    path("agents/<int:pk>/role/", views.agent_role, name="agent_role"),
    path("agents/<int:pk>/desactiver/", views.agent_deactivate, name="agent_deactivate"),
]
