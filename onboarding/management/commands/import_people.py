"""./manage.py import_people --jurisdiction SLUG FILE [--dry-run] [--valid-only]"""

from onboarding.imports.command import ImportCommand
from onboarding.imports.people import PeopleImporter


class Command(ImportCommand):
    help = "Importe les personnes suivies d'un export APPI (CSV ou XLSX)."
    importer_class = PeopleImporter
