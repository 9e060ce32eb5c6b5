"""The Celery application. Tenant-aware: a task runs in the schema it was sent from.

tenant-schemas-celery records the sender's schema in the message headers and switches to it before
the task runs; the signal below then activates the jurisdiction's time zone and tags error reports.
Periodic work is described in PERIODIC_TASKS and stored in django-celery-beat's tables by the
``sync_periodic_tasks`` command; each entry fans out to the live jurisdictions.
"""

import os

from celery.signals import task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas_platform.settings.dev")

app = CeleryApp("saas_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    [
        "tenants",
        "jurisdiction_apps.core",
        "jurisdiction_apps.scheduling",
        "jurisdiction_apps.notifications",
        "shared.national_stats",
        "onboarding",
    ]
)
# The import jobs' tasks live beside their views (onboarding/import_tasks.py).
app.autodiscover_tasks(["onboarding"], related_name="import_tasks")

# name of the beat entry -> (task run in each jurisdiction, interval setting name[, scope]);
# scope "live" (the default) or "all" (onboarding and suspended jurisdictions too).
PERIODIC_TASKS = {
    "Battement de chaque juridiction": ("jurisdiction.heartbeat", "HEARTBEAT_INTERVAL_SECONDS"),
    "Génération des créneaux": ("jurisdiction.generate_slots", "SLOT_GENERATION_INTERVAL_SECONDS"),
    "Envoi des SMS dus": ("jurisdiction.sms_sweep", "SMS_SWEEP_INTERVAL_SECONDS"),
    "Statistiques nationales": (
        "jurisdiction.refresh_statistics",
        "STATS_REFRESH_INTERVAL_SECONDS",
        "all",
    ),
}
FAN_OUT_TASKS = {
    "live": "platform.run_in_live_jurisdictions",
    "all": "platform.run_in_every_jurisdiction",
}


@task_prerun.connect(weak=False, dispatch_uid="saas_platform_activate_jurisdiction")
def activate_jurisdiction(task=None, **kwargs):
    # Runs after tenant-schemas-celery's own handler (connected at import, before this one).
    from django.db import connection
    from django.utils import timezone

    from saas_platform.sentry import tag_jurisdiction

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
