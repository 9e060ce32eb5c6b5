"""Other jurisdictions following a person this one registers (issue 19, point 2).

UX choice: the national look-up runs when the person is saved, and its answer is shown once on
the person's page right after (``remember`` / ``pop_warnings``), not as a confirmation step of
the form:
- registration is never blocked nor delayed: the person stands at the counter and their
  follow-up must start now (convocations, SMS); a transfer, if the agent asks for one, merges the
  other jurisdiction's history into this record when accepted (shared/transfers), so registering
  first loses nothing;
- the other jurisdiction's follow-up is disclosed only to an agent who registered someone
  matching it: typing names and birth dates into the form without saving reveals nothing, so
  the form cannot be used to probe the national index;
- each look-up with hits is recorded once, in the saving transaction, with the new person's id
  (both sides' audit trails show it).

An edit looks up again only when the identity keys changed (a corrected name, birth date or
APPI number), which costs nothing more than the save.

Archived entries elsewhere are shown too, as "suivi(e) auparavant par …" without a transfer
link (a closed follow-up cannot be transferred; knowing where the person was followed still
helps the agent), and are recorded like the others.
"""

from dataclasses import dataclass

from shared.person_index.lookup import Elsewhere, followed_elsewhere, record_lookups
from shared.person_index.models import Entry

CONTEXT = "registration"
SESSION_KEY = "people:followed_elsewhere"


@dataclass(frozen=True)
class ElsewhereWarning:
    entry_id: int
    jurisdiction_id: int
    jurisdiction: str
    contact: str
    archived: bool


def look_up(cleaned: dict, *, jurisdiction, agent, person) -> list[Elsewhere]:
    """Who else follows the person just saved; each hit recorded for both sides' trails."""
    hits = followed_elsewhere(cleaned, jurisdiction_id=jurisdiction.pk)
    if hits:
        record_lookups(
            hits, jurisdiction_id=jurisdiction.pk, agent=agent, person_id=person.pk, context=CONTEXT
        )
    return hits


def identity_keys(person) -> tuple[str, str]:
    return person.index_appi_key, person.index_identity_key


def remember(request, person, hits: list[Elsewhere]) -> None:
    """Keep the hits' entry ids for the person's page shown next (only ids: nothing personal)."""
    pending = dict(request.session.get(SESSION_KEY) or {})
    if hits:
        pending[str(person.pk)] = [hit.entry_id for hit in hits]
    elif str(person.pk) not in pending:
        return
    else:
        del pending[str(person.pk)]
    request.session[SESSION_KEY] = pending


def pop_warnings(request, person) -> list[ElsewhereWarning]:
    """The warnings remembered for this person, once (no query when there are none)."""
    pending = request.session.get(SESSION_KEY)
    if not pending or str(person.pk) not in pending:
        return []
    pending = dict(pending)
    entry_ids = pending.pop(str(person.pk))
    request.session[SESSION_KEY] = pending
    entries = (
        Entry.objects.filter(pk__in=entry_ids)
        .exclude(jurisdiction_id=request.tenant.pk)
        .select_related("jurisdiction")
        .order_by("archived", "jurisdiction__name")
    )
    return [
        ElsewhereWarning(
            entry_id=entry.pk,
            jurisdiction_id=entry.jurisdiction_id,
            jurisdiction=entry.jurisdiction.display_name,
            contact=entry.jurisdiction.service_contact,
            archived=entry.archived,
        )
        for entry in entries
    ]
