"""Signing in to the portal: the number, the code, signing out, the invitation link, the idle
warning's questions (how long is left, "Rester connecté"); and the agent's button that sends an
invitation SMS from the person's page."""

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jurisdiction_apps.people.models import Person
from tenants.permissions import Action, action_required

from .. import session
from ..services import access


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="Votre numéro de portable",
        help_text="Par exemple : 06 12 34 56 78",
        max_length=30,
        error_messages={"required": "Écrivez votre numéro de portable."},
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "class": "fr-input"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Le code reçu par SMS",
        help_text="6 chiffres",
        max_length=12,
        error_messages={"required": "Écrivez le code à 6 chiffres reçu par SMS."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "fr-input",
            }
        ),
    )


def _pending(request) -> access.Pending | None:
    return access.Pending.from_dict(request.session.get(session.PENDING_KEY))


def _remember(request, pending: access.Pending) -> None:
    request.session[session.PENDING_KEY] = pending.as_dict()


@never_cache
def sign_in(request):
    if not session.portal_is_open():
        return session.closed_response(request)
    if session.current_person(request) is not None:
        return redirect("portal:home")
    if getattr(request, "portal_timed_out", False):
        session.say_expired(request)
    else:
        session.say_where_followed(request)
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pending = access.request_code(
                form.cleaned_data["phone"], address=access.client_address(request)
            )
        except access.AccessError as error:
            form.add_error("phone", str(error))
        else:
            _remember(request, pending)
            return redirect("portal:enter_code")
    return render(request, "portal/sign_in.html", {"form": form})


@never_cache
def enter_code(request):
    if not session.portal_is_open():
        return session.closed_response(request)
    pending = _pending(request)
    if pending is None:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = access.check_code(pending, form.cleaned_data["code"])
        except access.AccessError as error:
            _remember(request, pending)  # attempts of an unknown number live in the session
            form.add_error("code", str(error))
        else:
            session.sign_in(request, person)
            return redirect("portal:home")
    return render(
        request,
        "portal/enter_code.html",
        {"form": form, "phone_end": pending.phone[-2:]},
    )


@require_POST
def new_code(request):
    if not session.portal_is_open():
        return session.closed_response(request)
    pending = _pending(request)
    if pending is None:
        return redirect("portal:sign_in")
    try:
        pending = access.resend_code(pending, address=access.client_address(request))
    except access.AccessError as error:
        messages.error(request, str(error))
    else:
        _remember(request, pending)
        messages.success(request, "Un nouveau code est envoyé. Il remplace l'ancien.")
    return redirect("portal:enter_code")


@require_POST
def sign_out(request):
    session.sign_out(request)
    messages.success(request, "Vous êtes déconnecté. À bientôt.")
    return redirect("portal:sign_in")


@never_cache
@require_GET
def session_status(request):
    """How long the person's portal session has left, for the warning script
    (static/js/session_timeout.js). Not activity: the session is only read. An ended session
    answers ``{"expired": true}`` (not a redirect): the script then reloads the page, and the
    page says why."""
    remaining = session.remaining_seconds(request)
    if remaining <= 0:
        return JsonResponse({"expired": True})
    return JsonResponse({"remaining": remaining, "expired": False})


@never_cache
@require_POST
def session_keep_alive(request):
    """ "Rester connecté": restarts the idle clock of a session that has not ended yet."""
    if session.current_person(request) is None:
        return JsonResponse({"expired": True})
    return JsonResponse({"remaining": session.idle_timeout(), "expired": False})


@never_cache
def invitation(request, token: str):
    if not session.portal_is_open():
        return session.closed_response(request)
    session.sign_out(request)  # a shared phone: the link is for the invited person only
    if request.method != "POST":
        # Opening the link sends nothing by itself (link previews, antivirus scanners).
        return render(request, "portal/invitation.html", {"token": token})
    try:
        pending = access.open_invitation(token, address=access.client_address(request))
    except access.AccessError as error:
        messages.error(request, str(error))
        return redirect("portal:sign_in")
    _remember(request, pending)
    return redirect("portal:enter_code")


@require_POST
@action_required(Action.INVITE_TO_PORTAL)
def invite(request, pk: int):
    person = get_object_or_404(Person.objects.active(), pk=pk)
    try:
        access.send_invitation(person, acting_user=request.user)
    except access.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "L'invitation est envoyée par SMS. Le lien marche 14 jours.")
    return redirect("people:detail", pk=person.pk)
