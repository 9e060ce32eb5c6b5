from django.apps import AppConfig


class CasefileConfig(AppConfig):
    """The person's and the appointment's whole file, assembled from the apps below; the
    retention job across them and the record of erasures on request."""

    name = "jurisdiction_apps.casefile"
    label = "casefile"
    verbose_name = "Dossier"
