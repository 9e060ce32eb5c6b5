"""Home of the portal: the person's appointments, their calendar files and private feed; and the
agents' page where they choose the direct contact shown to the people they follow."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from jurisdiction_apps.core.phones import PhoneError, display_phone, parse_phone

from ..services import agenda as service
from ..session import person_required, portal_is_open


def not_found(request):
    """The portal's 404: the same page for a missing id and for someone else's."""
    return render(request, "portal/404.html", status=404)


@person_required
@require_GET
def home(request):
    context = service.overview(request.person)
    return render(request, "portal/home.html", context)


@person_required
@require_GET
def appointment(request, pk):
    found = service.appointment_of(request.person, pk)
    if found is None:
        return not_found(request)
    shown = service.show(found)
    shown.open_request = shown.can_change and service.has_open_request(found)
    context = {
        "shown": shown,
        "preparation": service.preparation(found),
        "contacts": service.contacts(request.person, [found]),
    }
    return render(request, "portal/appointment.html", context)


def _ics_response(content: bytes, filename: str | None) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


@person_required
@require_GET
def appointment_ics(request, pk):
    found = service.appointment_of(request.person, pk)
    if found is None:
        return not_found(request)
    response = _ics_response(service.appointment_ics(found), "rendez-vous.ics")
    response["Cache-Control"] = "private, no-store"
    return response


def _feed_urls(request, feed) -> dict:
    if feed is None:
        return {}
    https = request.build_absolute_uri(reverse("portal:calendar_feed", args=[feed.token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


FEED_ACTIONS = {
    "create": (
        service.create_feed,
        "Votre agenda privé est prêt. Ajoutez son adresse à votre téléphone.",
    ),
    "renew": (
        service.renew_feed,
        "Votre agenda a une nouvelle adresse. L'ancienne adresse ne marche plus.",
    ),
    "stop": (service.revoke_feed, "Votre agenda privé est arrêté. Son adresse ne marche plus."),
}


@person_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    person = request.person
    if request.method == "POST":
        action = FEED_ACTIONS.get(request.POST.get("action", ""))
        if action is not None:
            run, text = action
            run(person)
            messages.success(request, text)
        return redirect("portal:calendar")
    feed = service.live_feed(person)
    return render(
        request, "portal/calendar.html", {"feed": feed, "urls": _feed_urls(request, feed)}
    )


@require_GET
def calendar_feed(request, token):
    """The private feed, read by calendar apps without a session: the token is the key."""
    feed = service.feed_by_token(token) if portal_is_open() else None
    if feed is None:
        raise Http404
    service.mark_read(feed)
    response = _ics_response(service.feed_ics(feed.person), None)
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- the agent's direct contact (back-office) ----------------------------------------------------
def member_required(view):
    """View decorator: signed in and member of this host's jurisdiction (any role)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "membership", None) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.member_required = True
    return wrapper


class AgentContactForm(forms.Form):
    portal_phone = forms.CharField(
        label="Mon téléphone direct",
        required=False,
        max_length=30,
        help_text="Par exemple 01 40 97 10 10. Laissez vide pour ne pas le montrer.",
        widget=forms.TextInput(attrs={"class": "fr-input", "autocomplete": "tel", "type": "tel"}),
    )
    portal_email = forms.EmailField(
        label="Mon courriel direct",
        required=False,
        help_text="Laissez vide pour ne pas le montrer.",
        widget=forms.EmailInput(attrs={"class": "fr-input", "autocomplete": "email"}),
    )
    mark_optional = True

    def __init__(self, *args, region: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region

    def clean_portal_phone(self) -> str:
        raw = self.cleaned_data.get("portal_phone", "").strip()
        if not raw:
            return ""
        try:
            return parse_phone(raw, self.region).e164
        except PhoneError as error:
            raise forms.ValidationError(str(error)) from error

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = "fr-input fr-input--error"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


@member_required
@require_http_methods(["GET", "POST"])
def agent_contact(request):
    membership = request.membership
    region = membership.jurisdiction.phone_region
    if request.method == "POST":
        form = AgentContactForm(request.POST, region=region)
        if form.is_valid():
            membership.portal_phone = form.cleaned_data["portal_phone"]
            membership.portal_email = form.cleaned_data["portal_email"]
            membership.save(update_fields=["portal_phone", "portal_email"])
            shown = membership.portal_phone or membership.portal_email
            messages.success(
                request,
                "Enregistré. Les personnes que vous suivez voient ces coordonnées."
                if shown
                else "Enregistré. Les personnes que vous suivez ne voient pas de coordonnées "
                "directes : elles voient celles du service.",
            )
            return redirect("portal_team:agent_contact")
    else:
        form = AgentContactForm(
            initial={
                "portal_phone": display_phone(membership.portal_phone, region),
                "portal_email": membership.portal_email,
            },
            region=region,
        )
    return render(request, "portal_team/agent_contact.html", {"form": form})
