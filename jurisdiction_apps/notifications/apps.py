from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jurisdiction_apps.notifications"
    label = "notifications"
    verbose_name = "SMS"
