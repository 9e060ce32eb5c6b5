"""The idle-timeout warning of agents' sessions (session_guard.py), on every host."""

from django.urls import path

from . import session_guard

urlpatterns = [
    path("comptes/session/", session_guard.session_status, name="account_session_status"),
    path(
        "comptes/session/prolonger/",
        session_guard.session_keep_alive,
        name="account_session_keep_alive",
    ),
]
