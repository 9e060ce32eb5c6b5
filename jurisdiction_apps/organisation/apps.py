from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "jurisdiction_apps.organisation"
    label = "organisation"
    verbose_name = "Organisation de la juridiction"

    def ready(self):
        from tenants.signals import jurisdiction_schema_ready

        from .signals import on_jurisdiction_schema_ready

        jurisdiction_schema_ready.connect(on_jurisdiction_schema_ready, dispatch_uid="set_up_org")
