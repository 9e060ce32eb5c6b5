from django.core.management.base import BaseCommand

from demo.jurisdictions import seed_demo


class Command(BaseCommand):
    help = "Create the demo jurisdictions and accounts (idempotent; invented data only)."

    def handle(self, *args, **options):
        seed_demo(stdout=self.stdout)
        self.stdout.write("Demo data in place")
