"""./manage.py retention --jurisdiction SLUG|all [--dry-run]: the nightly retention job, by hand.

Prints, per jurisdiction and category, how many rows were (or, with --dry-run, would be)
archived, redacted, erased or deleted: counts only, never who.
"""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from jurisdiction_apps.casefile import retention
from shared.retention.constants import Category
from tenants.models import Jurisdiction


class Command(BaseCommand):
    help = "Apply the retention table in one jurisdiction or all (--dry-run: counts only)."

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True, help="slug, or 'all'")
        parser.add_argument(
            "--dry-run", action="store_true", help="count what is due, change nothing"
        )

    def handle(self, *args, jurisdiction, dry_run=False, **options):
        targets = Jurisdiction.objects.tenants().order_by("slug")
        if jurisdiction != "all":
            targets = targets.filter(slug=jurisdiction)
            if not targets.exists():
                raise CommandError(f"Juridiction inconnue : « {jurisdiction} ».")
        verb = "à traiter (simulation, rien n'est modifié)" if dry_run else "traités"
        for target in targets:
            with tenant_context(target):
                outcome = retention.run(dry_run=dry_run)
            if outcome.skipped:
                self.stdout.write(f"{target.slug} : un passage est déjà en cours, rien fait.")
                continue
            self.stdout.write(f"{target.slug} — {verb} :")
            for category, count in outcome.counts.items():
                self.stdout.write(f"  {Category(category).label} : {count}")
