from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shared.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        from . import receivers  # noqa: F401
