"""Organisation screens of the back-office: places, agendas, slot templates, slots, agents.

Views are thin: forms validate, services act. Only directors and local admins reach them
(Action.MANAGE_PLACES / Action.MANAGE_AGENTS). Objects are looked up in the host's schema, so an
id of another jurisdiction is simply not found (404); memberships, in the public schema, are
filtered on the host's jurisdiction.
"""

from django.contrib import messages
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.http import require_POST

from jurisdiction_apps.scheduling.models import SlotTemplate
from jurisdiction_apps.scheduling.services import (
    BookingError,
    create_slot,
    save_slot_template,
    set_slots_closed,
)
from tenants.constants import Role
from tenants.models import Membership
from tenants.permissions import Action, action_required

from . import services, slot_admin
from .forms import (
    AgendaForm,
    ArchiveForm,
    InviteAgentForm,
    PlaceForm,
    RoleForm,
    SlotBulkForm,
    SlotFilterForm,
    SlotForm,
    SlotTemplateForm,
)
from .models import Agenda, Place

manage_places = action_required(Action.MANAGE_PLACES)
manage_agents = action_required(Action.MANAGE_AGENTS)


def _page(request, template: str, section: str, context: dict | None = None):
    return render(request, template, {"section": section, **(context or {})})


def _local_date(day) -> str:
    return formats.date_format(day, "j F Y")


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count in (0, 1) else plural}"


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
    return _page(request, "organisation/place_list.html", "places", {"places": places})


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
    return _page(
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
        extra = f" avec {_plural(agendas, 'agenda', 'agendas')}" if agendas else ""
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
    return _page(request, "organisation/agenda_list.html", "agendas", {"agendas": agendas})


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
    return _page(
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
            f" {_plural(stopped, 'modèle de créneau désactivé', 'modèles de créneau désactivés')}"
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


# --- slot templates ------------------------------------------------------------------------------
@manage_places
def slot_template_list(request):
    templates = slot_admin.templates_with_counts().order_by(
        "-is_active", "agenda__place__name", "agenda__name", "weekday", "start_time"
    )
    return _page(
        request, "organisation/slot_template_list.html", "templates", {"templates": templates}
    )


def _template_form(request, template: SlotTemplate | None):
    editing = template is not None
    zone = request.tenant.zone
    initial = {"agenda": request.GET.get("agenda")} if not editing else None
    form = SlotTemplateForm(
        request.POST or None, instance=template or SlotTemplate(), initial=initial, zone=zone
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        created = save_slot_template(saved, acting_user=request.user)
        until = _local_date(slot_admin.generation_horizon(saved, zone))
        done = "Modèle modifié" if editing else "Modèle enregistré"
        text = f"{done} : {_plural(created, 'créneau créé', 'créneaux créés')} jusqu'au {until}."
        if editing:
            text += " Les créneaux déjà créés n'ont pas changé."
        messages.success(request, text)
        return redirect("organisation:slot_templates")
    return _page(
        request,
        "organisation/slot_template_form.html",
        "templates",
        {"form": form, "template": template},
    )


@manage_places
def slot_template_create(request):
    return _template_form(request, None)


@manage_places
def slot_template_edit(request, pk):
    return _template_form(
        request, get_object_or_404(SlotTemplate.objects.select_related("agenda__place"), pk=pk)
    )


@manage_places
@require_POST
def slot_template_deactivate(request, pk):
    template = get_object_or_404(
        SlotTemplate.objects.select_related("agenda__place", "appointment_type"), pk=pk
    )
    action = request.POST.get("action")
    if action not in ("desactiver", "reactiver"):
        messages.error(request, "Action inconnue : rien n'a changé.")
        return redirect("organisation:slot_templates")
    try:
        created = slot_admin.set_template_active(
            template, action == "reactiver", acting_user=request.user
        )
    except services.OrganisationError as error:
        messages.error(request, str(error))
    else:
        if action == "reactiver":
            until = _local_date(slot_admin.generation_horizon(template, request.tenant.zone))
            messages.success(
                request,
                f"Modèle réactivé : {_plural(created, 'créneau créé', 'créneaux créés')} "
                f"jusqu'au {until}.",
            )
        else:
            messages.success(
                request,
                "Modèle désactivé : il ne crée plus de créneaux. Les créneaux déjà créés restent ; "
                "fermez-les depuis la page Créneaux si besoin.",
            )
    return redirect("organisation:slot_templates")


# --- slots ---------------------------------------------------------------------------------------
@manage_places
def slot_list(request):
    zone = request.tenant.zone
    filters = SlotFilterForm(request.GET, zone=zone)
    agenda = slots = None
    if filters.is_valid():
        agenda = filters.cleaned_data["agenda"]
    bulk = None
    if request.method == "POST" and agenda is None:
        messages.error(request, "Choisissez un agenda et une période valides : rien n'a changé.")
        return redirect(request.get_full_path())
    if request.method == "POST":
        bulk = SlotBulkForm(request.POST, agenda=agenda)
        if bulk.is_valid():
            changed = set_slots_closed(
                [slot.pk for slot in bulk.cleaned_data["slots"]],
                bulk.closed,
                acting_user=request.user,
            )
            verb = "fermé" if bulk.closed else "rouvert"
            messages.success(
                request, _plural(changed, f"créneau {verb}", f"créneaux {verb}s") + "."
            )
            return redirect(request.get_full_path())
    if agenda is not None:
        slots = slot_admin.slots_in_period(
            agenda, filters.cleaned_data["du"], filters.cleaned_data["au"], zone
        )
    context = {
        "filters": filters,
        "agenda": agenda,
        "slots": slots,
        "bulk": bulk,
        "now": timezone.now(),
        "period": (filters.cleaned_data["du"], filters.cleaned_data["au"])
        if filters.is_valid()
        else None,
    }
    return _page(request, "organisation/slot_list.html", "slots", context)


@manage_places
def slot_create(request):
    tenant = request.tenant
    initial = {"agenda": request.GET.get("agenda")}
    form = SlotForm(
        request.POST or None,
        initial=initial,
        zone=tenant.zone,
        departements=tenant.departement_list,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slot = create_slot(
                agenda=data["agenda"],
                appointment_type=data["appointment_type"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                capacity=data["capacity"],
                acting_user=request.user,
            )
        except BookingError as error:
            form.add_error(None, str(error))
        else:
            when = formats.date_format(timezone.localtime(slot.starts_at), "l j F Y à H:i")
            messages.success(request, f"Créneau créé le {when}.")
            return redirect(f"{reverse('organisation:slots')}?agenda={slot.agenda_id}")
    return _page(
        request,
        "organisation/slot_form.html",
        "slots",
        {"form": form},
    )


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
        Membership.objects.filter(jurisdiction=request.tenant)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__first_name", "-created_at")
    )
    active, former, seen = [], [], set()
    for membership in members:
        if membership.user_id in seen:
            continue  # an old access of someone active again, or deactivated twice
        seen.add(membership.user_id)
        (active if membership.is_active else former).append(membership)
    return _page(
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
    return _page(
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
