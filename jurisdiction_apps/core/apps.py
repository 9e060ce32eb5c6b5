from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jurisdiction_apps.core"
    label = "core"
    verbose_name = "Socle de la juridiction"
