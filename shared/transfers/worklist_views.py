"""The transfer worklist of a jurisdiction host (issue 19, point 5): what it must answer, what it
asked, one request's page with its answers, and the offer of a person to another jurisdiction.

Thin views: every decision (roles, sides, states, comments) is taken by ``services``; a
``TransferError`` is shown as it is written (French) and nothing changes.

Names of people. The public schema holds no name (issue 19), so a row names the person only when
the record is in this host's schema: the source's own person (incoming pulls, offered pushes),
or the target's record once the transfer is accepted. An incoming push is the one case where the
answering agent must see who it is about before the person is theirs: accepting takes on a
follow-up, and only the name and birth date let them recognise the person (or their own record
of them). Those two fields are read from the source's schema at display time, on the request's
page only, for an agent allowed to answer, while the request is pending; they are never written
to the public schema nor kept anywhere, and the reading is recorded in the source's trail of
the person's views. An outgoing pull names nobody until accepted: the asking
agent knows whom they asked for, and the source's record is not theirs to read.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_tenants.utils import tenant_context

from jurisdiction_apps.people import services as people_services
from jurisdiction_apps.people.models import Person
from tenants.models import Jurisdiction
from tenants.permissions import Action, action_required, can

from . import services
from .constants import COMMENT_MAX, Direction, State
from .models import Transfer

RECENT_DAYS = 30
RECENT_SHOWN = 20


# --- rows ------------------------------------------------------------------------------------
def _local_people(transfers, jurisdiction) -> dict[int, Person]:
    """This schema's records named by the transfers (one query)."""
    ids = set()
    for transfer in transfers:
        local_id = _local_person_id(transfer, jurisdiction)
        if local_id is not None:
            ids.add(local_id)
    return Person.objects.in_bulk(ids) if ids else {}


def _local_person_id(transfer: Transfer, jurisdiction) -> int | None:
    if transfer.source_id == jurisdiction.pk:
        return transfer.source_person_id
    if transfer.target_id == jurisdiction.pk and transfer.state == State.ACCEPTED:
        return transfer.target_person_id
    return None


def _describe(transfer: Transfer, jurisdiction, people: dict) -> dict:
    answering = transfer.answering_jurisdiction_id == jurisdiction.pk
    other = transfer.target if transfer.source_id == jurisdiction.pk else transfer.source
    person = people.get(_local_person_id(transfer, jurisdiction))
    if transfer.direction == Direction.PULL:
        what = (
            f"{other.display_name} demande le transfert"
            if answering
            else f"Demande de transfert à {other.display_name}"
        )
    else:
        what = (
            f"{other.display_name} propose un transfert"
            if answering
            else f"Proposition de transfert à {other.display_name}"
        )
    return {
        "transfer": transfer,
        "answering": answering,
        "outgoing": transfer.source_id == jurisdiction.pk,
        "other": other,
        "what": what,
        "person": person,
        # Without a local record: who follows the person (never their data).
        "person_elsewhere": None
        if person
        else f"Personne suivie par {transfer.source.display_name}",
    }


def _rows(transfers, jurisdiction) -> list[dict]:
    transfers = list(transfers)
    people = _local_people(transfers, jurisdiction)
    return [_describe(transfer, jurisdiction, people) for transfer in transfers]


def _mine():
    return Transfer.objects.select_related("source", "target", "asked_by", "answered_by")


@action_required(Action.VIEW_PEOPLE)
def worklist(request):
    jurisdiction = request.tenant
    transfers = _mine()
    to_answer = transfers.pending().answered_by(jurisdiction).order_by("due_at", "pk")
    asked = transfers.pending().asked_by(jurisdiction).order_by("due_at", "pk")
    recent = (
        transfers.involving(jurisdiction)
        .exclude(state=State.PENDING)
        .filter(answered_at__gte=timezone.now() - timedelta(days=RECENT_DAYS))
        .order_by("-answered_at", "-pk")[:RECENT_SHOWN]
    )
    return render(
        request,
        "transfers/list.html",
        {
            "to_answer": _rows(to_answer, jurisdiction),
            "asked": _rows(asked, jurisdiction),
            "recent": _rows(recent, jurisdiction),
            "recent_days": RECENT_DAYS,
        },
    )


# --- one request -----------------------------------------------------------------------------
def _transfer_of(request, pk: int) -> Transfer:
    """The request, when this host's jurisdiction is one of its two sides (else 404)."""
    return get_object_or_404(_mine().involving(request.tenant), pk=pk)


def _identity_at_source(transfer: Transfer, viewer) -> dict | None:
    """Name and birth date of the person offered to us, read from the source's schema for the
    answering agent's decision (see the module's docstring); nothing is stored but the reading
    itself, in the source's trail of the person's views (who opened it, from the other side)."""
    with tenant_context(transfer.source):
        person = (
            Person.objects.filter(pk=transfer.source_person_id)
            .only("last_name", "first_names", "birth_date")
            .first()
        )
        if person is None:
            return None
        people_services.record_view(person, viewer=viewer)
        return {
            "last_name": person.last_name,
            "first_names": person.first_names,
            "birth_date": person.birth_date,
        }


def _detail(request, transfer: Transfer, *, error: str = "", comment: str = "", status=200):
    jurisdiction = request.tenant
    row = _rows([transfer], jurisdiction)[0]
    may_act = can(request.membership, Action.TRANSFER_PEOPLE)
    pending = transfer.state == State.PENDING
    identity = None
    if pending and row["answering"] and may_act and transfer.direction == Direction.PUSH:
        identity = _identity_at_source(transfer, request.user)
    return render(
        request,
        "transfers/detail.html",
        {
            **row,
            "identity": identity,
            "may_answer": pending and row["answering"] and may_act,
            "may_cancel": pending and not row["answering"] and may_act,
            # The source answering a pull chooses whether the person gets one SMS.
            "offer_notice": transfer.direction == Direction.PULL,
            "comment_max": COMMENT_MAX,
            "error": error,
            "comment": comment,
        },
        status=status,
    )


@action_required(Action.VIEW_PEOPLE)
def detail(request, pk: int):
    return _detail(request, _transfer_of(request, pk))


def _answer(request, pk: int, act, done: str):
    transfer = _transfer_of(request, pk)
    comment = request.POST.get("comment", "")
    try:
        act(transfer, comment)
    except services.TransferError as error:
        transfer.refresh_from_db()
        return _detail(request, transfer, error=str(error), comment=comment, status=400)
    messages.success(request, done)
    return redirect("transfers:detail", pk=transfer.pk)


@action_required(Action.TRANSFER_PEOPLE)
@require_POST
def accept(request, pk: int):
    def act(transfer, comment):
        notify = None
        if transfer.direction == Direction.PULL:
            notify = request.POST.get("notify_person") == "1"
        services.accept(
            transfer.pk,
            jurisdiction=request.tenant,
            acting_user=request.user,
            comment=comment,
            notify_person=notify,
        )

    return _answer(
        request,
        pk,
        act,
        "Transfert accepté : le dossier de la personne est maintenant suivi par la juridiction "
        "d'arrivée.",
    )


@action_required(Action.TRANSFER_PEOPLE)
@require_POST
def refuse(request, pk: int):
    def act(transfer, comment):
        services.refuse(
            transfer.pk, jurisdiction=request.tenant, comment=comment, acting_user=request.user
        )

    return _answer(request, pk, act, "Demande refusée : rien n'a changé pour la personne.")


@action_required(Action.TRANSFER_PEOPLE)
@require_POST
def cancel(request, pk: int):
    def act(transfer, comment):
        services.cancel(transfer.pk, jurisdiction=request.tenant, acting_user=request.user)

    return _answer(request, pk, act, "Demande annulée : rien n'a changé pour la personne.")


# --- offering one of ours --------------------------------------------------------------------
class OfferForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Juridiction qui suivra la personne",
        queryset=Jurisdiction.objects.none(),
        empty_label="Choisissez une juridiction",
        error_messages={
            "required": "Choisissez la juridiction qui suivra la personne.",
            "invalid_choice": "Cette juridiction n'est pas en service sur la plateforme : "
            "choisissez-en une dans la liste.",
        },
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    reason = forms.CharField(
        label="Motif",
        help_text="Nouvelle résidence, décision du juge… (au moins 10 caractères)",
        max_length=2000,
        error_messages={
            "required": "Écrivez le motif du transfert.",
            "max_length": "Le motif dépasse 2000 caractères.",
        },
        widget=forms.Textarea(attrs={"class": "fr-input", "rows": 3}),
    )
    notify_person = forms.BooleanField(
        label="Prévenir la personne par SMS de son nouveau service",
        help_text="À l'acceptation, un SMS lui dit quel service la suit et comment le joindre.",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Jurisdiction.objects.live().exclude(pk=jurisdiction.pk).order_by("name")
        )
        self.fields["target"].label_from_instance = lambda j: j.display_name


@action_required(Action.TRANSFER_PEOPLE)
@require_http_methods(["GET", "HEAD", "POST"])
def offer(request, person_id: int):
    person = get_object_or_404(Person, pk=person_id)
    # ?vers=<jurisdiction id>: the warning "suivi(e) aussi par" offers the person to that service.
    initial = {"target": request.GET.get("vers")} if request.GET.get("vers", "").isdigit() else {}
    form = OfferForm(request.POST or None, jurisdiction=request.tenant, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.request_transfer(
                direction=Direction.PUSH,
                source=request.tenant,
                source_person_id=person.pk,
                target=form.cleaned_data["target"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                notify_person=form.cleaned_data["notify_person"],
            )
        except services.TransferError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                f"Transfert proposé à {transfer.target.display_name} : la demande attend sa "
                "réponse.",
            )
            return redirect("transfers:detail", pk=transfer.pk)
    return render(
        request,
        "transfers/offer.html",
        {"person": person, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )
