from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "shared.retention"
    label = "retention"
    verbose_name = "Conservation des données"
