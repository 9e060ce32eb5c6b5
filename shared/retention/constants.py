"""The categories of personal data the platform keeps, and the national defaults of how long.

The durations are data (``RetentionRule``, public schema, editable by the national team in the
admin); this module holds the defaults written by the first migration and the words of the
processing register (docs/data-protection.md is written from the same facts and checked against
them by tests/retention/test_rules.py).
"""

from django.db import models


class Unit(models.TextChoices):
    DAYS = "days", "jours"
    MONTHS = "months", "mois"


class Category(models.TextChoices):
    PEOPLE_ARCHIVE = "people_archive", "Personnes suivies : archivage"
    PEOPLE_ERASE = "people_erase", "Personnes suivies : effacement"
    APPOINTMENTS = "appointments", "Rendez-vous et leur historique"
    SMS_TEXTS = "sms_texts", "SMS : texte et numéro"
    SMS_METADATA = "sms_metadata", "SMS : état, dates et tentatives"
    PORTAL_CODES = "portal_codes", "Espace personnel : codes de connexion et invitations"
    PORTAL_SIGN_INS = "portal_sign_ins", "Espace personnel : historique des connexions"
    PORTAL_THREADS = "portal_threads", "Espace personnel : messages et justificatifs"
    CHANGE_REQUESTS = "change_requests", "Demandes de changement : motifs et réponses"
    TOKENS = "tokens", "Liens STOP et agendas privés"
    ACCESS_LOGS = "access_logs", "Journaux de consultation et de lecture"
    AUDIT_TRAIL = "audit_trail", "Traçabilité des lieux, agendas et créneaux"
    IMPORTS = "imports", "Imports : fichiers et rapports"
    SESSIONS = "sessions", "Sessions de connexion"
    SIGN_IN_FAILURES = "sign_in_failures", "Échecs de connexion"
    ORPHAN_FILES = "orphan_files", "Fichiers sans enregistrement"


class Action(models.TextChoices):
    ARCHIVE = "archive", "archivées"
    ERASE = "erase", "effacées"
    REDACT = "redact", "caviardés"
    DELETE = "delete", "supprimés"
    WITH_PERSON = "with_person", "effacés avec la personne"
    EXPIRE = "expire", "expirent d'eux-mêmes"


# The national defaults, in the order of the register. amount None: no duration of its own, the
# rows go when the person is erased (or, for sessions and sign-in failures, when they expire).
DEFAULTS: list[dict] = [
    {
        "category": Category.PEOPLE_ARCHIVE,
        "amount": 12,
        "unit": Unit.MONTHS,
        "action": Action.ARCHIVE,
        "anchor": (
            "après la dernière activité : rendez-vous, demande de changement, message de "
            "l'espace personnel ou nouveau suivi"
        ),
        "purpose": "Suivre l'exécution de la mesure et convoquer la personne",
        "legal_basis": (
            "Mission d'intérêt public de l'autorité judiciaire (directive (UE) 2016/680, art. 8 ; "
            "loi Informatique et libertés, art. 87) ; code de procédure pénale, art. 712-1 et "
            "suivants"
        ),
        "end": (
            "La personne est archivée : elle disparaît des listes et des recherches ; une "
            "personne sous conservation (gel) ne l'est pas."
        ),
    },
    {
        "category": Category.PEOPLE_ERASE,
        "amount": 6,
        "unit": Unit.MONTHS,
        "action": Action.ERASE,
        "anchor": "après l'archivage, sans activité depuis",
        "purpose": "Répondre aux questions sur un suivi terminé, puis ne plus rien garder",
        "legal_basis": "Limitation de la conservation (directive (UE) 2016/680, art. 4 et 5)",
        "end": (
            "La personne est effacée avec tout ce qui la concerne (rendez-vous, SMS, messages, "
            "justificatifs, demandes, traçabilité, journaux) en une seule transaction ; une "
            "personne sous conservation ne l'est pas."
        ),
    },
    {
        "category": Category.APPOINTMENTS,
        "amount": None,
        "unit": Unit.MONTHS,
        "action": Action.WITH_PERSON,
        "anchor": "effacés avec la personne",
        "purpose": "Historique du suivi (honoré, manqué, excusé, reporté)",
        "legal_basis": "Mission d'intérêt public de l'autorité judiciaire",
        "end": "Supprimés avec la personne, avec leur traçabilité",
    },
    {
        "category": Category.SMS_TEXTS,
        "amount": 3,
        "unit": Unit.MONTHS,
        "action": Action.REDACT,
        "anchor": "après la réception, l'échec ou l'annulation du SMS",
        "purpose": "Prouver ce qui a été envoyé et traiter une réclamation",
        "legal_basis": "Mission d'intérêt public ; minimisation (directive (UE) 2016/680, art. 4)",
        "end": "Le texte et le numéro sont effacés ; l'état et les dates restent",
    },
    {
        "category": Category.SMS_METADATA,
        "amount": None,
        "unit": Unit.MONTHS,
        "action": Action.WITH_PERSON,
        "anchor": "effacés avec la personne",
        "purpose": "Savoir si la personne a été prévenue (réception, échec)",
        "legal_basis": "Mission d'intérêt public de l'autorité judiciaire",
        "end": "Supprimés avec la personne",
    },
    {
        "category": Category.PORTAL_CODES,
        "amount": 30,
        "unit": Unit.DAYS,
        "action": Action.DELETE,
        "anchor": "après l'expiration du code ou de l'invitation",
        "purpose": "Connexion à l'espace personnel ; enquête sur un abus",
        "legal_basis": "Sécurité du traitement (directive (UE) 2016/680, art. 29)",
        "end": "Supprimés",
    },
    {
        "category": Category.PORTAL_SIGN_INS,
        "amount": 12,
        "unit": Unit.MONTHS,
        "action": Action.DELETE,
        "anchor": "après la connexion",
        "purpose": "Historique des connexions de la personne ; statistiques d'usage",
        "legal_basis": "Sécurité du traitement (directive (UE) 2016/680, art. 25 et 29)",
        "end": "Supprimés (les statistiques mensuelles déjà calculées restent)",
    },
    {
        "category": Category.PORTAL_THREADS,
        "amount": None,
        "unit": Unit.MONTHS,
        "action": Action.WITH_PERSON,
        "anchor": "effacés avec la personne",
        "purpose": "Échanges avec l'équipe de suivi, justificatifs d'absence",
        "legal_basis": "Mission d'intérêt public de l'autorité judiciaire",
        "end": "Messages et fichiers supprimés avec la personne",
    },
    {
        "category": Category.CHANGE_REQUESTS,
        "amount": 12,
        "unit": Unit.MONTHS,
        "action": Action.REDACT,
        "anchor": "après le traitement de la demande",
        "purpose": "Traiter la demande, puis en garder la trace (date, décision)",
        "legal_basis": "Mission d'intérêt public ; minimisation",
        "end": "Le motif et la réponse sont effacés ; la décision reste jusqu'à l'effacement",
    },
    {
        "category": Category.TOKENS,
        "amount": 30,
        "unit": Unit.DAYS,
        "action": Action.DELETE,
        "anchor": "après l'usage du lien STOP ou la révocation de l'agenda privé",
        "purpose": "Désinscription des SMS ; abonnement à l'agenda",
        "legal_basis": "Sécurité du traitement",
        "end": "Supprimés",
    },
    {
        "category": Category.ACCESS_LOGS,
        "amount": 12,
        "unit": Unit.MONTHS,
        "action": Action.DELETE,
        "anchor": "après la consultation (engagement auprès de la CNIL : un an)",
        "purpose": "Traçabilité des consultations des dossiers par les agents",
        "legal_basis": "Journalisation (directive (UE) 2016/680, art. 25)",
        "end": "Supprimés ; effacés plus tôt avec la personne",
    },
    {
        "category": Category.AUDIT_TRAIL,
        "amount": 12,
        "unit": Unit.MONTHS,
        "action": Action.DELETE,
        "anchor": "après l'événement",
        "purpose": "Savoir qui a changé un lieu, un agenda, un modèle ou un créneau",
        "legal_basis": "Journalisation (directive (UE) 2016/680, art. 25)",
        "end": (
            "Supprimés. La traçabilité d'une personne et de ses rendez-vous reste tant que la "
            "personne est suivie ou archivée, et part avec elle"
        ),
    },
    {
        "category": Category.IMPORTS,
        "amount": 30,
        "unit": Unit.DAYS,
        "action": Action.DELETE,
        "anchor": "après la fin de l'import",
        "purpose": "Vérifier un import à l'ouverture d'une juridiction",
        "legal_basis": "Mission d'intérêt public ; minimisation",
        "end": "Le fichier et les lignes du rapport sont supprimés ; les nombres restent",
    },
    {
        "category": Category.SESSIONS,
        "amount": None,
        "unit": Unit.DAYS,
        "action": Action.EXPIRE,
        "anchor": "à l'expiration de la session (8 heures au plus)",
        "purpose": "Rester connecté",
        "legal_basis": "Sécurité du traitement",
        "end": "Les sessions expirées sont supprimées chaque nuit (clearsessions)",
    },
    {
        "category": Category.SIGN_IN_FAILURES,
        "amount": None,
        "unit": Unit.DAYS,
        "action": Action.EXPIRE,
        "anchor": "à la fin de leur fenêtre (15 minutes à 2 heures)",
        "purpose": "Bloquer les essais de mots de passe et de codes",
        "legal_basis": "Sécurité du traitement",
        "end": "Compteurs dans Redis, sans adresse ni identifiant en clair, qui expirent seuls",
    },
    {
        "category": Category.ORPHAN_FILES,
        "amount": 1,
        "unit": Unit.DAYS,
        "action": Action.DELETE,
        "anchor": "après l'écriture du fichier",
        "purpose": "Aucune : fichier d'un envoi abandonné ou d'un effacement interrompu",
        "legal_basis": "Minimisation",
        "end": "Supprimés",
    },
]

# The shortest a national team may set, whatever the admin says: the access logs are a CNIL
# commitment (one year), the rest must at least outlive the work they serve.
MINIMUM_DAYS = {
    Category.ACCESS_LOGS: 365,
    Category.AUDIT_TRAIL: 365,
    Category.PEOPLE_ARCHIVE: 180,
    Category.PEOPLE_ERASE: 30,
    Category.SMS_TEXTS: 7,
    Category.IMPORTS: 1,
}
