from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.constants import JurisdictionStatus, PhoneRegion
from tenants.services import JurisdictionSpec, create_jurisdiction, ensure_public_tenant


class Command(BaseCommand):
    help = "Create a jurisdiction (tenant), its domain(s) and its migrated schema."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short identifier, e.g. nanterre; host <slug>.<domain>")
        parser.add_argument("--name", required=True, help="display name")
        parser.add_argument("--domain", action="append", dest="domains", default=[])
        parser.add_argument("--tj-name", default="")
        parser.add_argument("--spip-name", default="")
        parser.add_argument("--departements", default="", help="comma-separated codes: 92 or 974")
        parser.add_argument("--time-zone", default="Europe/Paris")
        parser.add_argument("--phone-region", default="FR", choices=PhoneRegion.values)
        parser.add_argument("--sms-sender", default="JUSTICE")
        parser.add_argument("--colour", default="#000091")
        parser.add_argument("--status", default="onboarding", choices=JurisdictionStatus.values)

    def handle(self, *args, **options):
        ensure_public_tenant()
        spec = JurisdictionSpec(
            slug=options["slug"],
            name=options["name"],
            domains=tuple(options["domains"]),
            tj_name=options["tj_name"],
            spip_name=options["spip_name"],
            departements=options["departements"],
            time_zone=options["time_zone"],
            phone_region=options["phone_region"],
            sms_sender_name=options["sms_sender"],
            primary_colour=options["colour"],
            status=options["status"],
        )
        try:
            jurisdiction, seconds = create_jurisdiction(spec)
        except ValidationError as error:
            messages = [f"{field}: {' '.join(errs)}" for field, errs in error.message_dict.items()]
            raise CommandError("; ".join(messages)) from error
        self.stdout.write(
            f"Created {jurisdiction.slug} (schema {jurisdiction.schema_name}, "
            f"host {jurisdiction.primary_domain_name()}) in {seconds:.2f} s"
        )
