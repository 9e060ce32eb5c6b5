"""What import_people and import_agents share: analyse a file, print the report, apply."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.models import Jurisdiction

from .report import report_text


class ImportCommand(BaseCommand):
    importer_class = None

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--jurisdiction", required=True, help="slug de la juridiction")
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien importer")
        parser.add_argument(
            "--valid-only", action="store_true", help="importer seulement les lignes valides"
        )

    def handle(self, *args, file: Path, jurisdiction: str, dry_run, valid_only, **options):
        found = Jurisdiction.objects.tenants().filter(slug=jurisdiction).first()
        if found is None:
            raise CommandError(f"Juridiction inconnue : {jurisdiction}")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Fichier illisible : {file} ({error.strerror})") from error
        importer = self.importer_class(found)
        with importer.running():
            plan = importer.analyse(data)
            refused = plan.file_error or (plan.errors and not valid_only)
            applied = not dry_run and not refused
            if applied:
                importer.apply(plan, acting_user=None, valid_only=valid_only)
        self.stdout.write(report_text(plan.preview(), applied=applied))
        if dry_run:
            self.stdout.write("\nVérification seulement (--dry-run) : rien n'a été importé.")
        elif refused:
            self.stdout.write("\nRien n'a été importé.")
        if refused:
            raise CommandError("Le fichier contient des erreurs : rien n'a été importé.")
