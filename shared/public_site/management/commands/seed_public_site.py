from django.core.management.base import BaseCommand

from shared.public_site.seed import seed_national_content


class Command(BaseCommand):
    help = (
        "Create the national pages of the information site that do not exist yet "
        "(pages edited by the national team are never overwritten)."
    )

    def handle(self, *args, **options):
        created = seed_national_content()
        self.stdout.write(f"Information pages created: {created}")
