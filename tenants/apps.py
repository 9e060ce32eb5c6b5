from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_public_tenant(sender, using="default", **kwargs):
    from django.conf import settings
    from django.db import connections

    if connections[using].schema_name != settings.PUBLIC_SCHEMA_NAME:
        return
    # Not at the top: apps.py is imported before the models it would load.
    from .services import ensure_public_tenant

    ensure_public_tenant()


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Juridictions"

    def ready(self):
        # django-pgtrigger gives makemigrations and migrate a trigger-aware autodetector;
        # django-tenants' migrate (migrate_schemas) must use the same one (Django check E001).
        from django.core.management.commands import makemigrations
        from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

        MigrateSchemasCommand.autodetector = makemigrations.Command.autodetector
        # The public host answers as soon as the public schema is migrated.
        post_migrate.connect(_ensure_public_tenant, sender=self, dispatch_uid="ensure_public")
