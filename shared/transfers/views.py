"""The "ask for a transfer" screen (issue 19): from the duplicate warning of a registration, an
agent of this jurisdiction asks the jurisdiction following the person to hand the follow-up over
(``Direction.PULL``). The page shows only the other service's name and contact, never the other
record's data."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from shared.person_index.models import Entry
from tenants.permissions import Action, action_required

from . import services
from .constants import REASON_MIN, Direction

REASON_MAX = 1000
# The entry id is a bigint: a longer string is no entry (and would overflow the query).
ENTRY_ID_MAX_DIGITS = 18

NO_ENTRY = (
    "Cette demande de transfert ne désigne aucune personne : ouvrez-la depuis l'avertissement "
    "« suivi(e) aussi par » de la fiche."
)
UNKNOWN_ENTRY = (
    "Cette personne n'est plus suivie par l'autre juridiction (dossier transféré ou effacé) : "
    "aucune demande de transfert n'est possible."
)
OWN_ENTRY = "Cette personne est déjà suivie par votre juridiction : aucun transfert à demander."


def after_request_url(transfer):
    """Where an agent lands once the request is sent: the request's page (its due date, who
    answers, the cancel button)."""
    return redirect("transfers:detail", pk=transfer.pk)


class AskForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la demande",
        help_text=(
            "Par exemple : la personne réside désormais dans notre ressort (nouvelle adresse "
            "déclarée le 3 mars). Au moins 10 caractères ; le motif est lu par l'autre juridiction."
        ),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "fr-input"}),
        error_messages={
            "required": "Écrivez le motif de la demande : nouvelle résidence, décision du juge…",
            "max_length": f"Le motif ne doit pas dépasser {REASON_MAX} caractères.",
        },
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < REASON_MIN:
            raise forms.ValidationError(
                f"Écrivez le motif de la demande (au moins {REASON_MIN} caractères) : nouvelle "
                "résidence, décision du juge…"
            )
        return reason


def _entry(request) -> tuple[Entry | None, str, int]:
    """The index entry named by ``?entry=``, or the French reason why none, and its status."""
    raw = (request.GET.get("entry") or "").strip()
    if not raw:
        return None, NO_ENTRY, 404
    if not raw.isdigit() or len(raw) > ENTRY_ID_MAX_DIGITS:
        return None, UNKNOWN_ENTRY, 404
    entry = Entry.objects.select_related("jurisdiction").filter(pk=int(raw)).first()
    if entry is None:
        return None, UNKNOWN_ENTRY, 404
    if entry.jurisdiction_id == request.tenant.pk:
        return None, OWN_ENTRY, 400
    return entry, "", 200


@action_required(Action.TRANSFER_PEOPLE)
def ask(request):
    entry, problem, status = _entry(request)
    if entry is None:
        return render(request, "transfers/ask.html", {"problem": problem}, status=status)
    source = entry.jurisdiction
    form = AskForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            transfer = services.request_transfer(
                direction=Direction.PULL,
                source=source,
                source_person_id=entry.person_id,
                target=request.tenant,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except services.TransferError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Demande de transfert envoyée à {source.display_name} : elle attend sa réponse.",
            )
            return after_request_url(transfer)
    return render(
        request,
        "transfers/ask.html",
        {
            "entry": entry,
            "source": source,
            "contact": source.service_contact,
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
