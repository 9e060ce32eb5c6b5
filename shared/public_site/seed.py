"""Seed content of the information site: created where missing, never overwritten.

The national pages (measures, obligations, notices…) are created once; after that they belong to
the national team's editor, so seeding again leaves every edited page as it is. The demo service
pages and partners are the demo's (``demo/public_site.py``).
"""

from django.db import transaction

from .content.pages import PAGES
from .models import InfoPage, Section


@transaction.atomic
def seed_national_content() -> int:
    """Create the national pages that do not exist yet; returns how many were created."""

    existing = set(InfoPage.objects.values_list("slug", flat=True))
    created = 0
    for spec in PAGES:
        if spec["slug"] in existing:
            continue
        fields = {k: v for k, v in spec.items() if k != "sections"}
        page = InfoPage(**fields)
        page.full_clean()
        page.save()
        for position, section_spec in enumerate(spec.get("sections", []), start=1):
            section = Section(page=page, position=position, **section_spec)
            section.full_clean(exclude=["page"])
            section.save()
        created += 1
    return created
