"""Agents' SMS pages (failures and their actions) and the people's STOP page.

The template editor is in editor.py. Views are thin: changes go through services.py.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jurisdiction_apps.core.pagination import paginate_ids, query_string_without_page
from jurisdiction_apps.people.models import Person
from tenants.permissions import Action, action_required, can

from . import services
from .models import Message, StopToken


@action_required(Action.VIEW_PEOPLE)
def failures(request):
    """Messages that did not reach the person, newest first, with what to do about them."""
    ids = (
        Message.objects.needing_attention()
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    rows = Message.objects.select_related(
        "person", "appointment__appointment_type", "appointment__place"
    )
    page = paginate_ids(ids, rows, request.GET.get("page"))
    return render(
        request,
        "notifications/failures.html",
        {
            "page": page,
            "query_string": query_string_without_page(request),
            "can_edit": can(request.membership, Action.EDIT_PEOPLE),
        },
    )


@require_POST
@action_required(Action.EDIT_PEOPLE)
def retry(request, pk):
    message = get_object_or_404(Message, pk=pk)
    try:
        services.retry_message(message, acting_user=request.user)
    except services.RetryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Le SMS repart avec le numéro actuel de la personne.")
    return redirect("notifications:failures")


@require_POST
@action_required(Action.EDIT_PEOPLE)
def no_mobile(request, pk):
    person = get_object_or_404(Person, pk=pk)
    services.mark_no_mobile(person, acting_user=request.user)
    messages.success(request, f"{person} : noté « pas de téléphone portable ».")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("notifications:failures")
    return redirect(target)


@require_POST
@action_required(Action.EDIT_PEOPLE)
def sms_refusal(request, pk):
    """Re-enable SMS when the person asks (or record a refusal said at the desk)."""
    person = get_object_or_404(Person, pk=pk)
    refuses = request.POST.get("refuses") == "1"
    services.set_sms_refusal(person, refuses, acting_user=request.user)
    messages.success(
        request,
        f"{person} ne recevra plus de SMS." if refuses else f"{person} recevra de nouveau les SMS.",
    )
    return redirect("people:detail", pk=person.pk)


def stop(request, token):
    """The STOP link of every SMS: no login, one confirmation, single use."""
    stop_token = StopToken.objects.filter(token=token).first()
    if stop_token is None:
        raise Http404("Lien inconnu")
    if stop_token.used_at is not None:
        return render(request, "notifications/stop_done.html", {"already": True})
    if request.method == "POST":
        try:
            services.confirm_stop(token)
        except services.StopError:
            return render(request, "notifications/stop_done.html", {"already": True})
        return render(request, "notifications/stop_done.html", {"already": False})
    return render(request, "notifications/stop.html", {"token": token})


stop.public = True  # no membership: the person followed has no account
