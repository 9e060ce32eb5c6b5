"""Organisation screens of the back-office: places, agendas, agents (the slot templates and slots
of the same section are scheduling's: jurisdiction_apps/scheduling/slot_views.py).

Views are thin: forms validate, services act. Only directors and local admins reach them
(Action.MANAGE_PLACES / Action.MANAGE_AGENTS). Objects are looked up in the host's schema, so an
id of another jurisdiction is simply not found (404); memberships, in the public schema, are
filtered on the host's jurisdiction.
"""

from django.contrib import messages
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from jurisdiction_apps.core.screens import page, plural
from tenants.constants import Role
from tenants.models import Membership
from tenants.permissions import Action, action_required

from . import services
from .forms import AgendaForm, ArchiveForm, InviteAgentForm, PlaceForm, RoleForm
from .models import Agenda, Place

manage_places = action_required(Action.MANAGE_PLACES)
manage_agents = action_required(Action.MANAGE_AGENTS)


@manage_places
def index(request):
    return redirect("organisation:places")


# --- places --------------------------------------------------------------------------------------
@manage_places
def place_list(request):
    places = (
        services.places_with_usage(Place.objects.select_related("service"))
        .annotate(types_count=Count("appointment_types", distinct=True))
        .order_by(F("archived_at").asc(nulls_first=True), "name")
    )
    return page(request, "organisation/place_list.html", "places", {"places": places})


def _place_form(request, place: Place | None):
    editing = place is not None
    form = PlaceForm(
        request.POST or None, instance=place or Place(), region=request.tenant.phone_region
    )
    if request.method == "POST" and form.is_valid():
        saved = services.save_place(
            form.save(commit=False),
            appointment_types=form.cleaned_data["appointment_types"],
            acting_user=request.user,
        )
        verb = "modifié" if editing else "créé"
        messages.success(request, f"Lieu « {saved.name} » {verb}.")
        return redirect("organisation:places")
    return page(
        request,
        "organisation/place_form.html",
        "places",
        {"form": form, "place": place},
    )


@manage_places
def place_create(request):
    return _place_form(request, None)


@manage_places
def place_edit(request, pk):
    return _place_form(request, get_object_or_404(Place, pk=pk))


@manage_places
@require_POST
def place_archive(request, pk):
    place = get_object_or_404(Place, pk=pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Action inconnue : rien n'a changé.")
    elif form.archive:
        agendas = services.archive_place(place, acting_user=request.user)
        extra = f" avec {plural(agendas, 'agenda', 'agendas')}" if agendas else ""
        messages.success(request, f"Lieu « {place.name} » archivé{extra}.")
    else:
        services.unarchive_place(place, acting_user=request.user)
        messages.success(
            request,
            f"Lieu « {place.name} » désarchivé. Ses agendas restent archivés : "
            "désarchivez ceux qui servent encore.",
        )
    return redirect("organisation:places")


@manage_places
@require_POST
def place_delete(request, pk):
    place = get_object_or_404(Place, pk=pk)
    try:
        services.delete_place(place, acting_user=request.user)
    except services.OrganisationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Lieu « {place.name} » supprimé.")
    return redirect("organisation:places")


# --- agendas -------------------------------------------------------------------------------------
@manage_places
def agenda_list(request):
    agendas = (
        services.agendas_with_usage(Agenda.objects.select_related("place"))
        .annotate(templates_count=Count("slot_templates", distinct=True))
        .order_by(F("archived_at").asc(nulls_first=True), "place__name", "name")
    )
    return page(request, "organisation/agenda_list.html", "agendas", {"agendas": agendas})


def _agenda_form(request, agenda: Agenda | None):
    editing = agenda is not None
    initial = {"place": request.GET.get("lieu")} if not editing else None
    form = AgendaForm(request.POST or None, instance=agenda or Agenda(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_agenda(form.save(commit=False), acting_user=request.user)
        except services.OrganisationError as error:
            form.add_error("name", str(error))
        else:
            verb = "modifié" if editing else "créé"
            messages.success(request, f"Agenda « {saved.name} » {verb}.")
            return redirect("organisation:agendas")
    return page(
        request,
        "organisation/agenda_form.html",
        "agendas",
        {"form": form, "agenda": agenda},
    )


@manage_places
def agenda_create(request):
    return _agenda_form(request, None)


@manage_places
def agenda_edit(request, pk):
    return _agenda_form(request, get_object_or_404(Agenda, pk=pk))


@manage_places
@require_POST
def agenda_archive(request, pk):
    agenda = get_object_or_404(Agenda.objects.select_related("place"), pk=pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Action inconnue : rien n'a changé.")
    elif form.archive:
        stopped = services.archive_agenda(agenda, acting_user=request.user)
        extra = (
            f" {plural(stopped, 'modèle de créneau désactivé', 'modèles de créneau désactivés')}"
            " ; les créneaux déjà créés restent."
            if stopped
            else ""
        )
        messages.success(request, f"Agenda « {agenda.name} » archivé.{extra}")
    else:
        try:
            services.unarchive_agenda(agenda, acting_user=request.user)
        except services.OrganisationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Agenda « {agenda.name} » désarchivé.")
    return redirect("organisation:agendas")


@manage_places
@require_POST
def agenda_delete(request, pk):
    agenda = get_object_or_404(Agenda, pk=pk)
    try:
        services.delete_agenda(agenda, acting_user=request.user)
    except services.OrganisationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Agenda « {agenda.name} » supprimé.")
    return redirect("organisation:agendas")


# --- agents --------------------------------------------------------------------------------------
def _membership(request, pk) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"),
        pk=pk,
        jurisdiction=request.tenant,
        is_active=True,
    )


@manage_agents
def agent_list(request):
    members = (
        Membership.objects.filter(jurisdiction=request.tenant, user__is_service_account=False)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__first_name", "-created_at")
    )
    active, former, seen = [], [], set()
    for membership in members:
        if membership.user_id in seen:
            continue  # an old access of someone active again, or deactivated twice
        seen.add(membership.user_id)
        (active if membership.is_active else former).append(membership)
    return page(
        request,
        "organisation/agent_list.html",
        "agents",
        {"active_members": active, "former_members": former, "roles": Role.choices},
    )


@manage_agents
def agent_invite(request):
    form = InviteAgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invite_agent(
                jurisdiction=request.tenant,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                acting_user=request.user,
                request=request,
            )
        except services.OrganisationError as error:
            form.add_error("email", str(error))
        else:
            user = invitation.membership.user
            what = (
                "un lien pour choisir son mot de passe"
                if invitation.user_created or not user.has_usable_password()
                else "un lien pour se connecter"
            )
            messages.success(
                request,
                f"{user.get_full_name() or user.email} a maintenant le rôle "
                f"« {invitation.membership.get_role_display()} ». Un courriel lui envoie {what}.",
            )
            return redirect("organisation:agents")
    return page(
        request,
        "organisation/agent_invite.html",
        "agents",
        {"form": form},
    )


@manage_agents
@require_POST
def agent_role(request, pk):
    membership = _membership(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Rôle inconnu : rien n'a changé.")
        return redirect("organisation:agents")
    try:
        services.change_role(membership, form.cleaned_data["role"], acting_user=request.user)
    except services.OrganisationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{membership.user.get_full_name() or membership.user.email} a maintenant le rôle "
            f"« {membership.get_role_display()} ».",
        )
    return redirect("organisation:agents")


@manage_agents
@require_POST
def agent_deactivate(request, pk):
    membership = _membership(request, pk)
    try:
        services.deactivate_membership(membership, acting_user=request.user)
    except services.OrganisationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{membership.user.get_full_name() or membership.user.email} n'a plus accès à "
            "la juridiction.",
        )
    return redirect("organisation:agents")
