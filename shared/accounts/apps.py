from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shared.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        # The receiver that binds an agent's session to the host it was opened on (issue 16).
        from django.contrib.auth.signals import user_logged_in

        from . import (
            receivers,  # noqa: F401
            session_guard,  # noqa: F401
        )
        from .proconnect.sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts_proconnect_session")
