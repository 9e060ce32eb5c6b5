from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "shared.console"
    label = "console"
    verbose_name = "Console nationale"
