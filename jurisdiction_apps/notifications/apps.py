from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jurisdiction_apps.notifications"
    label = "notifications"
    verbose_name = "SMS"

    def ready(self):
        # At ready(): the receivers import models, which need the app registry loaded first.
        from . import receivers  # noqa: F401  (connects them: receivers.py)
        from .wake import register

        register()  # the sweep wakes only jurisdictions with due messages (tenants/wake.py)
