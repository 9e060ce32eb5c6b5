from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "jurisdiction_apps.scheduling"
    label = "scheduling"
    verbose_name = "Agendas et convocations"
