from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shared.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        # The receiver that binds an agent's session to the host it was opened on (issue 16).
        from . import (
            receivers,  # noqa: F401
            session_guard,  # noqa: F401
        )
