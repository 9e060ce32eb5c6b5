from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "jurisdiction_apps.scheduling"
    label = "scheduling"
    verbose_name = "Agendas et convocations"

    def ready(self):
        # At ready(): the receivers import models, which need the app registry loaded first.
        from . import receivers

        receivers.declare_references()

        from . import wake

        wake.register()  # slot generation wakes only jurisdictions with templates to extend
