from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jurisdiction_apps.notifications"
    label = "notifications"
    verbose_name = "SMS"

    def ready(self):
        from . import receivers  # noqa: F401  (connects them: receivers.py)
