from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shared.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .proconnect.sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts_proconnect_session")
