"""The back-office side of the portal: messages, change requests, invitations, agent contact."""

from django.urls import path

from .views import access, home, team_messages, team_requests

app_name = "portal_team"

urlpatterns = [
    path("personnes/<int:pk>/inviter/", access.invite, name="invite"),
    path("mon-profil/", home.agent_contact, name="agent_contact"),
    path("messages/", team_messages.inbox, name="inbox"),
    path("messages/<int:person_pk>/", team_messages.thread, name="thread"),
    path("messages/fichiers/<str:token>/", team_messages.download, name="file"),
    path("demandes/", team_requests.worklist, name="requests"),
    path("demandes/<int:pk>/", team_requests.detail, name="request"),
]
