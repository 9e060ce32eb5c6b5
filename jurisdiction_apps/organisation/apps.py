from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "jurisdiction_apps.organisation"
    label = "organisation"
    verbose_name = "Organisation de la juridiction"

    def ready(self):
        # At ready(): the receivers import models, which need the app registry loaded first.
        from . import receivers  # noqa: F401  (connects them)
