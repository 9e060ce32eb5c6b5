"""ProConnect's pages: sign-in, callback and post-logout on the public host (one set of URIs
registered at ProConnect for the whole platform); the hand-over and the logout on jurisdiction
hosts."""

from django.urls import path

from . import views

START_PATH = "/proconnect/connexion/"

public_patterns = [
    path(START_PATH.lstrip("/"), views.start, name="proconnect_start"),
    path("proconnect/retour/", views.callback, name="proconnect_callback"),
    path("proconnect/deconnexion/", views.logout_view, name="proconnect_logout"),
    path("proconnect/deconnexion/fin/", views.logout_done, name="proconnect_logout_done"),
]

jurisdiction_patterns = [
    # Under /connexion/relais/, which the membership middleware lets through like the switch's.
    path("connexion/relais/proconnect/<str:token>/", views.relay, name="proconnect_relay"),
    path("proconnect/deconnexion/", views.logout_view, name="proconnect_logout"),
]
