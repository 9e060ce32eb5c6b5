"""What organisation does when the tenancy kernel says so (connected in apps.py)."""

from django.dispatch import receiver
from django_tenants.utils import tenant_context

from tenants.signals import jurisdiction_schema_ready

from .services import set_up_jurisdiction


@receiver(jurisdiction_schema_ready, dispatch_uid="set_up_org")
def on_jurisdiction_schema_ready(sender, jurisdiction, **kwargs):
    with tenant_context(jurisdiction):
        set_up_jurisdiction(jurisdiction)
