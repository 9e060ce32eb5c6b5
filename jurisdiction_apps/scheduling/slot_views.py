"""Slot screens of the back-office, in its organisation section (URLs organisation:slot_*,
mounted by saas_platform/urls_tenant.py): slot templates and slots. Thin views: forms validate,
services act; directors and local admins only (Action.MANAGE_PLACES)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.http import require_POST

from jurisdiction_apps.core.screens import local_date, page, plural
from jurisdiction_apps.organisation.services import OrganisationError
from jurisdiction_apps.organisation.views import manage_places

from . import slot_admin
from .models import SlotTemplate
from .services import BookingError, create_slot, save_slot_template, set_slots_closed
from .slot_forms import SlotBulkForm, SlotFilterForm, SlotForm, SlotTemplateForm


# --- slot templates ------------------------------------------------------------------------------
@manage_places
def slot_template_list(request):
    templates = slot_admin.templates_with_counts().order_by(
        "-is_active", "agenda__place__name", "agenda__name", "weekday", "start_time"
    )
    return page(
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
        until = local_date(slot_admin.generation_horizon(saved, zone))
        done = "Modèle modifié" if editing else "Modèle enregistré"
        text = f"{done} : {plural(created, 'créneau créé', 'créneaux créés')} jusqu'au {until}."
        if editing:
            text += " Les créneaux déjà créés n'ont pas changé."
        messages.success(request, text)
        return redirect("organisation:slot_templates")
    return page(
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
    except OrganisationError as error:
        messages.error(request, str(error))
    else:
        if action == "reactiver":
            until = local_date(slot_admin.generation_horizon(template, request.tenant.zone))
            messages.success(
                request,
                f"Modèle réactivé : {plural(created, 'créneau créé', 'créneaux créés')} "
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
            messages.success(request, plural(changed, f"créneau {verb}", f"créneaux {verb}s") + ".")
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
    return page(request, "organisation/slot_list.html", "slots", context)


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
    return page(
        request,
        "organisation/slot_form.html",
        "slots",
        {"form": form},
    )
