"""Words about people's roles, for sentences: "Rôle : agent du BEX", "en tant qu'agent du BEX".

The labels of ``Role`` are written for lists and tables ("Agent du BEX"); in the middle of a
sentence a role takes a lower-case initial (acronyms keep theirs) and "que" elides before a vowel.
"""

from .constants import Role

# Roles whose label reads badly in a sentence: a phrase of their own.
ROLE_PHRASES = {
    Role.PROSECUTOR: "membre du parquet",
    Role.SECRETARY_COURT: "secrétaire (tribunal)",
    Role.SECRETARY_SPIP: "secrétaire (SPIP)",
}
VOWELS = "aeiouyàâéèêëîïôöùûüœAEIOUYÀÂÉÈÊËÎÏÔÖÙÛÜŒhH"


def role_phrase(role: str) -> str:
    """The role in the middle of a sentence: "agent du BEX", "juge de l'application des peines"."""
    if role in ROLE_PHRASES:
        return ROLE_PHRASES[role]
    try:
        label = str(Role(role).label)
    except ValueError:
        return str(role)
    first = label.split(" ", 1)[0]
    if first.isupper():  # an acronym ("CPIP ...") keeps its capitals
        return label
    return label[:1].lower() + label[1:]


def as_role(role: str) -> str:
    """ "en tant qu'agent du BEX", "en tant que greffier (CRPC)"."""
    phrase = role_phrase(role)
    # "h" of "huissier" is mute; none of the roles starts with an aspirated h.
    return f"en tant qu'{phrase}" if phrase[:1] in VOWELS else f"en tant que {phrase}"
