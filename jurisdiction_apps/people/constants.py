from django.db import models


class Residence(models.TextChoices):
    CITY = "city", "Commune de résidence"
    HOMELESS = "homeless", "Sans domicile fixe"
    ABROAD = "abroad", "Réside à l'étranger"


MINIMUM_AGE_YEARS = 16


# The fields an agent edits on a person, in display order (forms, services, audit trail).
PERSON_FIELDS = (
    "last_name",
    "first_names",
    "birth_date",
    "phone",
    "no_mobile_phone",
    "refuses_sms",
    "appi_number",
    "residence",
    "city",
    "referent",
)


# The label of the audit event written when a person's data is exported (right of access): a
# manual pghistory event of PersonAudit, its reason in the event's context.
DATA_EXPORTED = "data_exported"
