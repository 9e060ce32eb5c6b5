"""./manage.py import_agents --jurisdiction SLUG FILE [--dry-run] [--valid-only]"""

from onboarding.imports.agents import AgentsImporter
from onboarding.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Importe les agents d'une juridiction (CSV ou XLSX) : comptes, rôles, invitations."
    importer_class = AgentsImporter
