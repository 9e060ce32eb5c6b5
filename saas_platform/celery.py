"""The Celery application. Tenant-aware: a task runs in the schema it was sent from.

tenant-schemas-celery records the sender's schema in the message headers and switches to it before
the task runs; the signal below then activates the jurisdiction's time zone and tags error reports.
Periodic work is described in settings.PERIODIC_TASKS and stored in django-celery-beat's tables
by the ``sync_periodic_tasks`` command; each entry fans out to the live jurisdictions.
"""

import os

from celery.signals import task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp

from tenants.observability import tag_jurisdiction

# Worker and beat never fall back to development settings: without DJANGO_SETTINGS_MODULE they load
# the production settings, which refuse to start without their environment (make run and make test
# set the module explicitly: devtools/devstack.py).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.prod")

app = CeleryApp("saas_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    [
        "tenants",
        "jurisdiction_apps.core",
        "jurisdiction_apps.scheduling",
        "jurisdiction_apps.notifications",
        "jurisdiction_apps.casefile",
        "shared.national_stats",
        "shared.retention",
        "onboarding.creation",
        "onboarding.imports",
    ]
)


@task_prerun.connect(weak=False, dispatch_uid="saas_platform_activate_jurisdiction")
def activate_jurisdiction(task=None, **kwargs):
    # Runs after tenant-schemas-celery's own handler (connected at import, before this one).
    from django.db import connection
    from django.utils import timezone

    tenant = getattr(connection, "tenant", None)
    zone = getattr(tenant, "time_zone", None)
    if zone and connection.schema_name != "public":
        timezone.activate(zone)
    else:
        timezone.deactivate()
    tag_jurisdiction(connection.schema_name)


@task_postrun.connect(weak=False, dispatch_uid="saas_platform_deactivate_jurisdiction")
def deactivate_jurisdiction(**kwargs):
    from django.utils import timezone

    timezone.deactivate()
