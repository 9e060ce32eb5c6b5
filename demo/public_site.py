"""The demo's service pages and partners of the information site (invented addresses)."""

from django.db import transaction

from shared.public_site.models import Partner, ServicePage

from .public_site_content import PARTNERS, SERVICE_PAGES


@transaction.atomic
def seed_demo_content() -> tuple[int, int]:
    """The demo jurisdictions' service pages and a few partners per demo département."""
    services = 0
    for spec in SERVICE_PAGES:
        if not ServicePage.objects.filter(slug=spec["slug"]).exists():
            service = ServicePage(**spec)
            service.full_clean()
            service.save()
            services += 1
    partners = 0
    if not Partner.objects.exists():
        for spec in PARTNERS:
            partner = Partner(**spec)
            partner.full_clean()
            partner.save()
            partners += 1
    return services, partners
