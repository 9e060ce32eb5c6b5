"""The export of a person's data (right of access, issue 18 point 6): a confirmation page with a
required reason, then the ZIP, recorded in the person's audit trail."""

from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from jurisdiction_apps.people import services as people_services
from jurisdiction_apps.people.models import Person
from tenants.permissions import Action, action_required

from . import export
from .forms import DataExportForm


@action_required(Action.EXPORT_PERSON_DATA)
def data_export(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    form = DataExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The event and the reading in one transaction: an archive that fails to build leaves
        # no trace of a download that did not happen, and the archive lists its own export.
        with transaction.atomic():
            people_services.record_data_export(
                person, form.cleaned_data["reason"], acting_user=request.user
            )
            archive = export.build_archive(person, jurisdiction=request.tenant)
        response = FileResponse(
            archive,
            as_attachment=True,
            filename=export.archive_name(person, timezone.localdate()),
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "casefile/person_export.html",
        {"person": person, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
