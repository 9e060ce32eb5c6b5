"""The national default texts, one per kind, written for GSM-7 (no ê, ç, typographic quotes).

They are the starting rows of ``shared.sms_texts.NationalTemplate`` (its data migration) and the
last fallback when that table has no row for a kind. Date, time and place always appear: the
previous system dropped the time to save characters and people asked for it back.
"""

DEFAULT_TEXTS = {
    "summon": (
        "Justice : vous avez rendez-vous le {date} à {heure}, {lieu}, {adresse}. "
        "Votre présence est obligatoire. Si vous ne pouvez pas venir, appelez le {telephone}. "
        "Préparer le rendez-vous : {lien}"
    ),
    "reminder": (
        "Rappel Justice : rendez-vous le {date} à {heure}, {lieu}, {adresse}. "
        "Si vous ne pouvez pas venir, appelez le {telephone}."
    ),
    "cancellation": (
        "Justice : votre rendez-vous du {date} à {heure} ({lieu}) est annulé. "
        "Vous recevrez une nouvelle convocation. Questions : {telephone}"
    ),
    "reschedule": (
        "Justice : votre rendez-vous est déplacé au {date} à {heure}, {lieu}, {adresse}. "
        "Si vous ne pouvez pas venir, appelez le {telephone}."
    ),
    "no_show": (
        "Justice : nous vous attendions le {date} à {heure} ({lieu}). "
        "Appelez vite le {telephone} pour convenir d'un nouveau rendez-vous."
    ),
}
