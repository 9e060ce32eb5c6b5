"""Build the template schema new jurisdictions are cloned from, if the migrations changed.

Run after ``migrate_schemas`` at each deployment (the post-deploy hook does): the first creation
of a jurisdiction after a deployment is then a clone (under a second), not a migration run.
"""

import time

from django.core.management.base import BaseCommand

from tenants.services import ensure_template_schema


class Command(BaseCommand):
    help = "Build or refresh the template schema of new jurisdictions (ADR 0013)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild even if up to date")

    def handle(self, *args, force=False, **options):
        started = time.perf_counter()
        built = ensure_template_schema(force=force)
        seconds = time.perf_counter() - started
        if built:
            self.stdout.write(f"template schema built in {seconds:.1f} s")
        else:
            self.stdout.write("template schema already matches the migrations")
