from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "shared.national_stats"
    label = "national_stats"
    verbose_name = "Statistiques nationales"

    def ready(self):
        from . import wake

        wake.register()  # the hourly refresh wakes only jurisdictions whose data changed
