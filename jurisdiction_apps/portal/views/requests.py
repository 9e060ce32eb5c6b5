"""The person's change requests: ask on one future appointment, and read the answers.

Views are thin: the checks and the writes are in services/requests.py.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from jurisdiction_apps.scheduling.models import Appointment

from ..constants import ChangeRequestKind
from ..models import ChangeRequest
from ..services.requests import (
    MAX_REASON_LENGTH,
    RequestError,
    create_change_request,
    refusal_reason,
)
from ..session import person_required

SENT = "Votre demande est envoyée. Votre équipe vous répondra."
KIND_HINTS = {
    ChangeRequestKind.CANNOT_COME: "Votre équipe peut excuser votre absence.",
    ChangeRequestKind.OTHER_TIME: "Votre équipe peut vous donner un autre rendez-vous.",
}


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="Que demandez-vous ?",
        choices=ChangeRequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une réponse.",
            "invalid_choice": "Choisissez une réponse.",
        },
    )
    reason = forms.CharField(
        label="Pourquoi ?",
        help_text="Expliquez en quelques mots.",
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Écrivez pourquoi vous demandez ce changement.",
            "max_length": f"Votre texte est trop long : {MAX_REASON_LENGTH} caractères au plus.",
        },
    )
    proof = forms.FileField(
        label="Un justificatif (si vous en avez un)",
        help_text="PDF, JPEG ou PNG, 10 Mo au plus",
        required=False,
    )


def _own_appointment(person, pk):
    return Appointment.objects.with_related().filter(pk=pk, person=person).first()


@person_required
def create(request, pk):
    appointment = _own_appointment(request.person, pk)
    if appointment is None:
        # The same page for a missing id and another person's appointment.
        return render(request, "portal/404.html", status=404)
    context = {"appointment": appointment}
    refusal = refusal_reason(appointment)
    open_request = None if refusal else appointment.change_requests.open().first()
    if refusal or open_request:
        # No form: a plain explanation (and a POST changes nothing).
        context.update(refusal=refusal, open_request=open_request)
        status = 400 if request.method == "POST" else 200
        return render(request, "portal/change_request.html", context, status=status)

    form = ChangeRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_change_request(
                request.person,
                appointment.pk,
                kind=data["kind"],
                reason=data["reason"],
                upload=data.get("proof"),
            )
        except RequestError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, SENT)
            return redirect("portal:requests")
    context.update(
        form=form,
        kinds=[(radio, KIND_HINTS.get(radio.data["value"], "")) for radio in form["kind"]],
    )
    return render(
        request, "portal/change_request.html", context, status=400 if form.errors else 200
    )


@person_required
def mine(request):
    change_requests = (
        ChangeRequest.objects.filter(person=request.person)
        .select_related(
            "appointment__appointment_type",
            "appointment__place",
            "new_appointment__place",
            "attachment",
        )
        .order_by("-created_at", "-pk")
    )
    return render(request, "portal/requests.html", {"change_requests": change_requests})
