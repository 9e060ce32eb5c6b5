"""The portal of the people followed, on their jurisdiction's host, under /mon-espace/."""

from django.urls import path

from .views import access, home, messages, requests

app_name = "portal"

urlpatterns = [
    # Access (views/access.py)
    path("connexion/", access.sign_in, name="sign_in"),
    path("connexion/code/", access.enter_code, name="enter_code"),
    path("connexion/nouveau-code/", access.new_code, name="new_code"),
    path("deconnexion/", access.sign_out, name="sign_out"),
    path("session/", access.session_status, name="session_status"),
    path("session/prolonger/", access.session_keep_alive, name="session_keep_alive"),
    path("invitation/<str:token>/", access.invitation, name="invitation"),
    # Home, appointments and calendar (views/home.py)
    path("", home.home, name="home"),
    path("rendez-vous/<int:pk>/", home.appointment, name="appointment"),
    path("rendez-vous/<int:pk>/rendez-vous.ics", home.appointment_ics, name="appointment_ics"),
    path("agenda/", home.calendar, name="calendar"),
    path("agenda/<str:token>.ics", home.calendar_feed, name="calendar_feed"),
    # Messages and proof files (views/messages.py)
    path("messages/", messages.thread, name="messages"),
    path("fichiers/<str:token>/", messages.download, name="file"),
    # Change requests (views/requests.py)
    path("rendez-vous/<int:pk>/changer/", requests.create, name="change_request"),
    path("demandes/", requests.mine, name="requests"),
]
