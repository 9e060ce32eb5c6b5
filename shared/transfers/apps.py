from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "shared.transfers"
    label = "transfers"
    verbose_name = "Transferts entre juridictions"
