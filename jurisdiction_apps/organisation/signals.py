from django_tenants.utils import tenant_context


def on_jurisdiction_schema_ready(sender, jurisdiction, **kwargs):
    from .services import set_up_jurisdiction

    with tenant_context(jurisdiction):
        set_up_jurisdiction(jurisdiction)
