"""SMS template editor: every appointment type × kind with what its SMS costs, and the edition of
one text with a live preview (the text rendered for a sample appointment, its encoding, its
segments and the characters that force UCS-2).

The preview works without JavaScript (a "Prévisualiser" submit re-renders the page, nothing is
saved); static/js/sms_editor.js asks ``template_preview`` for the same preview as JSON while the
agent types. Texts are read through texts.py and written through services.py.
"""

import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jurisdiction_apps.core.forms import DsfrMixin
from jurisdiction_apps.organisation.models import AppointmentType
from jurisdiction_apps.scheduling.constants import AppointmentState
from jurisdiction_apps.scheduling.models import Appointment
from shared.sms_texts import templating
from shared.sms_texts.encoding import LIMITS, UCS2, measure, normalise
from shared.sms_texts.templating import (
    MAX_SEGMENTS,
    PLACEHOLDERS,
    SAMPLE_STOP_URL,
    SAMPLE_VALUES,
    validate_template,
    with_stop_line,
)
from tenants.permissions import Action, action_required

from . import services, texts
from .constants import MessageKind

# Characters agents cannot see or tell apart, named in the list of what forces UCS-2.
CHARACTER_NAMES = {
    "\u00a0": "espace insécable",
    "\u202f": "espace fine insécable",
    "\u2009": "espace fine",
    "\u2007": "espace de chiffre",
    "\u200b": "espace sans largeur",
    "\u2060": "gluon de mots",
    "\ufeff": "indicateur d'ordre des octets",
    "\t": "tabulation",
    "\u2019": "apostrophe typographique",
    "\u2018": "apostrophe ouvrante",
    "\u201c": "guillemet anglais ouvrant",
    "\u201d": "guillemet anglais fermant",
    "\u00ab": "guillemet français ouvrant",
    "\u00bb": "guillemet français fermant",
    "\u2013": "tiret demi-cadratin",
    "\u2014": "tiret cadratin",
    "\u2026": "points de suspension",
}


def character_label(char: str) -> str:
    """How the editor names a character forcing UCS-2: « ê », « ’ » (apostrophe typographique),
    or only its name when it is invisible (espace insécable)."""
    name = CHARACTER_NAMES.get(char)
    invisible = unicodedata.category(char) in {"Zs", "Zl", "Zp", "Cc", "Cf"}
    if invisible:
        return name or f"caractère invisible U+{ord(char):04X}"
    return f"« {char} » ({name})" if name else f"« {char} »"


@dataclass
class Preview:
    """The SMS as the person would receive it (text and STOP line), and what it costs."""

    text: str
    encoding: str
    segments: int
    characters: int
    ucs2_characters: list[str] = field(default_factory=list)
    error: str | None = None
    normalised: str = ""
    # Parts the same SMS would take in GSM-7 characters (the cost of UCS-2), None when GSM-7.
    gsm7_segments: int | None = None

    @property
    def ucs2_labels(self) -> list[str]:
        return [character_label(char) for char in self.ucs2_characters]

    @property
    def is_ucs2(self) -> bool:
        return self.encoding == UCS2

    @property
    def limits(self) -> tuple[int, int]:
        return LIMITS[self.encoding]

    @property
    def chunks(self) -> list[tuple[str, bool]]:
        """The text cut into runs, each flagged when its characters force UCS-2 (highlighted)."""
        forcing = set(self.ucs2_characters)
        runs: list[tuple[str, bool]] = []
        for char in self.text:
            flagged = char in forcing
            if runs and runs[-1][1] == flagged:
                runs[-1] = (runs[-1][0] + char, flagged)
            else:
                runs.append((char, flagged))
        return runs

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "encoding": self.encoding,
            "segments": self.segments,
            "characters": self.characters,
            "ucs2_characters": self.ucs2_characters,
            "ucs2_labels": self.ucs2_labels,
            "error": self.error,
            "normalised": self.normalised,
            "gsm7_segments": self.gsm7_segments,
            "too_long": self.segments > MAX_SEGMENTS,
        }


def build_preview(text: str, values: dict[str, str]) -> Preview:
    """Render ``text`` for ``values`` with the STOP line, measure it, and say why it would be
    refused (the same validation as saving)."""
    error = None
    try:
        validate_template(text, SAMPLE_VALUES)
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    try:
        body = templating.render(text, values)
    except ValidationError:
        body = text  # malformed braces: shown as typed, the error says what to fix
    full = with_stop_line(body, SAMPLE_STOP_URL)
    cost = measure(full)
    gsm7_segments = None
    if cost.encoding == UCS2:
        replaced = measure(normalise(full))
        gsm7_segments = replaced.segments if replaced.is_gsm7 else None
    return Preview(
        text=full,
        encoding=cost.encoding,
        segments=cost.segments,
        characters=len(full),
        ucs2_characters=cost.ucs2_characters,
        error=error,
        normalised=normalise(text),
        gsm7_segments=gsm7_segments,
    )


def sample_for(appointment_type) -> tuple[dict[str, str], Appointment | None]:
    """Values of the next booked appointment of this type here, else the invented sample."""
    appointment = (
        Appointment.objects.filter(
            appointment_type=appointment_type,
            state=AppointmentState.BOOKED,
            starts_at__gte=timezone.now(),
        )
        .select_related("place", "appointment_type")
        .order_by("starts_at", "pk")
        .first()
    )
    if appointment is None:
        return SAMPLE_VALUES, None
    return texts.appointment_values(appointment), appointment


class TemplateForm(DsfrMixin, forms.Form):
    text = forms.CharField(
        label="Texte du SMS",
        help_text=(
            "Écrivez les champs entre accolades, par exemple {date}. "
            "Le lien STOP est ajouté à la fin de chaque SMS."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )


# When each kind leaves (the reminder's delay is the type's own).
SENT_WHEN = {
    MessageKind.SUMMON: "à la convocation",
    MessageKind.CANCELLATION: "à l'annulation",
    MessageKind.RESCHEDULE: "au report",
    MessageKind.NO_SHOW: "quand l'absence est notée",
}


def _kind(kind: str) -> MessageKind:
    if kind not in MessageKind.values:
        raise Http404("SMS inconnu")
    return MessageKind(kind)


@action_required(Action.MANAGE_SMS_TEXTS)
def template_list(request):
    """Every active type × kind: own or national text, cost of its sample, reminder delay."""
    types = list(AppointmentType.objects.active().order_by("service_kind", "label"))
    resolved = texts.resolve_texts(types)
    groups = []
    for appointment_type in types:
        rows = []
        for kind in MessageKind:
            text, is_override = resolved[(appointment_type.pk, kind.value)]
            rows.append(
                {
                    "kind": kind,
                    "sent_when": SENT_WHEN.get(kind, ""),
                    "is_override": is_override,
                    "text": text,
                    "preview": build_preview(text, SAMPLE_VALUES),
                }
            )
        groups.append({"type": appointment_type, "rows": rows})
    return render(
        request,
        "notifications/template_list.html",
        {"groups": groups, "max_segments": MAX_SEGMENTS},
    )


@action_required(Action.MANAGE_SMS_TEXTS)
def template_edit(request, pk, kind):
    kind = _kind(kind)
    appointment_type = get_object_or_404(AppointmentType, pk=pk)
    current, is_override = texts.template_text(appointment_type, kind)
    national = texts.national_text(appointment_type, kind)
    values, sample_appointment = sample_for(appointment_type)
    status = 200
    text = current
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "reset":
            services.reset_override(appointment_type, kind, acting_user=request.user)
            messages.success(
                request,
                f"SMS « {kind.label} » de « {appointment_type.label} » : "
                "le texte national s'applique de nouveau.",
            )
            return redirect("notifications:templates")
        form = TemplateForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            if action == "normalise":
                text = normalise(text)
                form = TemplateForm({"text": text})
            elif action == "save":
                try:
                    services.save_override(appointment_type, kind, text, acting_user=request.user)
                except ValidationError as refusal:
                    form.add_error("text", refusal)
                    status = 400
                else:
                    messages.success(
                        request,
                        f"SMS « {kind.label} » de « {appointment_type.label} » enregistré : "
                        "il s'applique aux prochains envois.",
                    )
                    return redirect("notifications:templates")
        else:
            text = request.POST.get("text", "")
            status = 400 if action == "save" else 200
    else:
        form = TemplateForm(initial={"text": current})
    return render(
        request,
        "notifications/template_edit.html",
        {
            "appointment_type": appointment_type,
            "kind": kind,
            "form": form,
            "is_override": is_override,
            "national": national,
            "placeholders": PLACEHOLDERS,
            "preview": build_preview(text, values) if text.strip() else None,
            "sample_appointment": sample_appointment,
            "max_segments": MAX_SEGMENTS,
        },
        status=status,
    )


@require_POST
@action_required(Action.MANAGE_SMS_TEXTS)
def template_preview(request):
    """The preview of the editor as JSON, for the text being typed (nothing is saved)."""
    text = request.POST.get("text", "")
    values = SAMPLE_VALUES
    type_id = request.POST.get("type", "")
    if type_id.isdigit():
        appointment_type = AppointmentType.objects.filter(pk=int(type_id)).first()
        if appointment_type is not None:
            values, _ = sample_for(appointment_type)
    return JsonResponse(build_preview(text, values).as_json())
