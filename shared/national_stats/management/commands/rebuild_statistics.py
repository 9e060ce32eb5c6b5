from datetime import date

from django.core.management.base import BaseCommand, CommandError

from shared.national_stats.aggregation import rebuild
from tenants.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Recompute a jurisdiction's statistics from its own data, month by month "
        "(idempotent: the rows are replaced)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True, help="slug, or 'all'")
        parser.add_argument(
            "--since", type=date.fromisoformat, help="YYYY-MM-DD (default: first activity)"
        )
        parser.add_argument(
            "--recompute-erased",
            action="store_true",
            help=(
                "also recompute the months already computed of a jurisdiction that erased people "
                "(kept by default: the erased people would drop out of them)"
            ),
        )

    def handle(self, *args, jurisdiction, since=None, recompute_erased=False, **options):
        if jurisdiction == "all":
            targets = list(Jurisdiction.objects.tenants().order_by("slug"))
        else:
            targets = list(Jurisdiction.objects.tenants().filter(slug=jurisdiction))
            if not targets:
                raise CommandError(f"Juridiction inconnue : « {jurisdiction} ».")
        for target in targets:
            reports = rebuild(target, since, recompute_erased=recompute_erased)
            rows = sum(r.rows for r in reports)
            seconds = sum(r.seconds for r in reports)
            self.stdout.write(
                f"{target.slug}: {len(reports)} mois recalculés, {rows} lignes, {seconds:.1f} s"
            )
