from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "jurisdiction_apps.organisation"
    label = "organisation"
    verbose_name = "Organisation de la juridiction"

    def ready(self):
        from . import receivers  # noqa: F401  (connects them)
