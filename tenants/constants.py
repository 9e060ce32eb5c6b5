"""Enumerations of the tenants app. Behaviour is keyed on values, never on labels."""

from django.db import models


class JurisdictionStatus(models.TextChoices):
    ONBOARDING = "onboarding", "En cours d'ouverture"
    LIVE = "live", "En service"
    SUSPENDED = "suspended", "Suspendue"


class PhoneRegion(models.TextChoices):
    """Region used to parse phone numbers written in national format (ISO 3166 / libphonenumber)."""

    FR = "FR", "France métropolitaine"
    RE = "RE", "La Réunion"
    YT = "YT", "Mayotte"
    GP = "GP", "Guadeloupe"
    MQ = "MQ", "Martinique"
    GF = "GF", "Guyane"
    PM = "PM", "Saint-Pierre-et-Miquelon"
    BL = "BL", "Saint-Barthélemy"
    MF = "MF", "Saint-Martin"
    NC = "NC", "Nouvelle-Calédonie"
    PF = "PF", "Polynésie française"
    WF = "WF", "Wallis-et-Futuna"


class ServiceFamily(models.TextChoices):
    TJ_BEX = "bex", "Bureau de l'exécution des peines"
    TJ_SAP = "sap", "Service de l'application des peines"
    SPIP = "spip", "SPIP"
    ADMIN = "admin", "Administration locale"


class Role(models.TextChoices):
    """An agent's role in one jurisdiction (DOMAIN.md, "Roles")."""

    LOCAL_ADMIN = "local_admin", "Administrateur local"
    # TJ side, BEX family
    PROSECUTOR = "prosecutor", "Parquet"
    BEX = "bex", "Agent du BEX"
    DIR_GREFF_BEX = "dir_greff_bex", "Directeur de greffe (BEX)"
    GREFF_CO = "greff_co", "Greffier (comparution)"
    GREFF_TPE = "greff_tpe", "Greffier (tribunal pour enfants)"
    GREFF_CRPC = "greff_crpc", "Greffier (CRPC)"
    GREFF_CA = "greff_ca", "Greffier (cour d'appel)"
    # TJ side, SAP family
    JAP = "jap", "Juge de l'application des peines"
    SECRETARY_COURT = "secretary_court", "Secrétariat (tribunal)"
    GREFF_SAP = "greff_sap", "Greffier (SAP)"
    DIR_GREFF_SAP = "dir_greff_sap", "Directeur de greffe (SAP)"
    # SPIP side
    DPIP = "dpip", "Directeur pénitentiaire d'insertion et de probation"
    CPIP = "cpip", "Conseiller pénitentiaire d'insertion et de probation"
    SECRETARY_SPIP = "secretary_spip", "Secrétariat (SPIP)"
    EDUCATOR = "educator", "Éducateur"
    PSYCHOLOGIST = "psychologist", "Psychologue"
    OVERSEER = "overseer", "Surveillant (PSE/DDSE)"


ROLE_FAMILY: dict[str, str] = {
    Role.LOCAL_ADMIN: ServiceFamily.ADMIN,
    **dict.fromkeys(
        [
            Role.PROSECUTOR,
            Role.BEX,
            Role.DIR_GREFF_BEX,
            Role.GREFF_CO,
            Role.GREFF_TPE,
            Role.GREFF_CRPC,
            Role.GREFF_CA,
        ],
        ServiceFamily.TJ_BEX,
    ),
    **dict.fromkeys(
        [Role.JAP, Role.SECRETARY_COURT, Role.GREFF_SAP, Role.DIR_GREFF_SAP],
        ServiceFamily.TJ_SAP,
    ),
    **dict.fromkeys(
        [
            Role.DPIP,
            Role.CPIP,
            Role.SECRETARY_SPIP,
            Role.EDUCATOR,
            Role.PSYCHOLOGIST,
            Role.OVERSEER,
        ],
        ServiceFamily.SPIP,
    ),
}

# Who manages agents and places of a jurisdiction.
MANAGER_ROLES = frozenset({Role.LOCAL_ADMIN, Role.DPIP, Role.DIR_GREFF_BEX, Role.DIR_GREFF_SAP})
# Who can be the assigned agent of an appointment.
APPOINTMENT_HOLDER_ROLES = frozenset({Role.CPIP, Role.PSYCHOLOGIST, Role.OVERSEER})
