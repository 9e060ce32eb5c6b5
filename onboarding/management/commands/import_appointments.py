"""./manage.py import_appointments --jurisdiction SLUG FILE [--dry-run] [--valid-only]"""

from onboarding.imports.appointments import AppointmentsImporter
from onboarding.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Importe les rendez-vous d'un agenda existant (CSV, XLSX ou iCalendar .ics)."
    importer_class = AppointmentsImporter
