"""./manage.py import_places --jurisdiction SLUG FILE [--dry-run] [--valid-only]"""

from onboarding.imports.command import ImportCommand
from onboarding.imports.places import PlacesImporter


class Command(ImportCommand):
    help = "Importe les lieux de rendez-vous et leurs agendas (CSV ou XLSX)."
    importer_class = PlacesImporter
