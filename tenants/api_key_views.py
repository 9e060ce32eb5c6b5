"""The local admin's API keys page (issue 20), under Pilotage: list, create, rotate, revoke.

A new key (created or rotated) is shown once: the view that makes it keeps it in the session
until the next page shows it and forgets it; the list only ever shows prefixes."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import api_keys
from .constants import Role
from .models import JurisdictionAPIKey, Membership
from .permissions import Action, action_required

manage_api_keys = action_required(Action.MANAGE_API_KEYS)
SHOWN_ONCE = "api_key_shown_once"  # session key: (prefix, full key) until the next page
MAX_VALIDITY_DAYS = 3 * 366


class APIKeyForm(forms.Form):
    mark_optional = True
    name = forms.CharField(
        label="Nom",
        max_length=50,
        help_text="Le système qui appellera l'API, par exemple « Logiciel APPI du greffe ».",
        error_messages={
            "required": "Indiquez le nom du système qui utilisera la clé.",
            "max_length": "50 caractères au plus.",
        },
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=Role.choices,
        help_text="La clé pourra faire ce que ce rôle peut faire dans les pages, pas plus.",
        error_messages={"invalid_choice": "Rôle inconnu.", "required": "Choisissez un rôle."},
    )
    expiry = forms.DateField(
        label="Date d'expiration",
        help_text="La clé est refusée après ce jour (trois ans au plus).",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez une date d'expiration.",
            "invalid": "Date invalide : utilisez le format JJ/MM/AAAA.",
        },
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        for field in self.fields.values():
            css = "fr-select" if isinstance(field.widget, forms.Select) else "fr-input"
            field.widget.attrs["class"] = css

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Indiquez le nom du système qui utilisera la clé.")
        return name

    def clean_expiry(self):
        day = self.cleaned_data["expiry"]
        today = timezone.localdate(timezone=self.zone)
        if day <= today:
            raise forms.ValidationError("La date d'expiration doit être après aujourd'hui.")
        if day > today + timedelta(days=MAX_VALIDITY_DAYS):
            raise forms.ValidationError(
                "Une clé vaut trois ans au plus : choisissez une date plus proche."
            )
        return day

    def expiry_date(self) -> datetime:
        """The end of the chosen day, in the jurisdiction's zone."""
        return datetime.combine(self.cleaned_data["expiry"], time(23, 59, 59), tzinfo=self.zone)


def _key(request, prefix: str) -> JurisdictionAPIKey:
    return get_object_or_404(JurisdictionAPIKey, prefix=prefix, jurisdiction=request.tenant)


def _show_once(request, api_key: JurisdictionAPIKey, key: str):
    request.session[SHOWN_ONCE] = [api_key.prefix, key]
    return redirect("api_key_shown", prefix=api_key.prefix)


@manage_api_keys
def key_list(request):
    keys = list(
        JurisdictionAPIKey.objects.filter(jurisdiction=request.tenant).select_related(
            "created_by", "revoked_by"
        )
    )
    roles = dict(
        Membership.objects.filter(
            jurisdiction=request.tenant, user_id__in={key.service_account_id for key in keys}
        )
        .order_by("is_active", "created_at")  # the active (or latest) membership wins
        .values_list("user_id", "role")
    )
    labels = dict(Role.choices)
    for key in keys:
        key.role_label = labels.get(roles.get(key.service_account_id), "—")
    return render(request, "tenants/api_key_list.html", {"keys": keys})


@manage_api_keys
def key_new(request):
    form = APIKeyForm(request.POST or None, zone=request.tenant.zone)
    if request.method == "POST" and form.is_valid():
        api_key, key = api_keys.create_key(
            request.tenant,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            expiry_date=form.expiry_date(),
            created_by=request.user,
        )
        return _show_once(request, api_key, key)
    return render(request, "tenants/api_key_form.html", {"form": form})


@manage_api_keys
def key_shown(request, prefix):
    api_key = _key(request, prefix)
    stored = request.session.pop(SHOWN_ONCE, None)
    key = stored[1] if stored and stored[0] == api_key.prefix else None
    return render(request, "tenants/api_key_shown.html", {"api_key": api_key, "key": key})


@manage_api_keys
def key_rotate(request, prefix):
    api_key = _key(request, prefix)
    if request.method == "POST":
        try:
            new, key = api_keys.rotate_key(api_key, acting_user=request.user)
        except api_keys.APIKeyError as error:
            messages.error(request, str(error))
            return redirect("api_keys")
        return _show_once(request, new, key)
    return render(request, "tenants/api_key_confirm.html", {"api_key": api_key, "rotate": True})


@manage_api_keys
def key_revoke(request, prefix):
    api_key = _key(request, prefix)
    if request.method == "POST":
        try:
            api_keys.revoke_key(api_key, acting_user=request.user)
        except api_keys.APIKeyError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Clé « {api_key.name} » révoquée : elle est refusée dès maintenant."
            )
        return redirect("api_keys")
    return render(request, "tenants/api_key_confirm.html", {"api_key": api_key, "rotate": False})
