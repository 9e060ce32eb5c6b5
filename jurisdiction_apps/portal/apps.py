from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jurisdiction_apps.portal"
    label = "portal"
    verbose_name = "Espace personnel des personnes suivies"

    def ready(self):
        # At ready(): the receivers import models, which need the app registry loaded first.
        from . import receivers  # noqa: F401  (connects them: receivers.py)
