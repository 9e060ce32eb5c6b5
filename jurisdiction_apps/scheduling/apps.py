from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "jurisdiction_apps.scheduling"
    label = "scheduling"
    verbose_name = "Agendas et convocations"

    def ready(self):
        from . import receivers

        receivers.declare_references()
