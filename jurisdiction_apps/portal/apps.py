from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jurisdiction_apps.portal"
    label = "portal"
    verbose_name = "Espace personnel des personnes suivies"
