"""Pages of the imports for deployment officers (public host): upload, preview, progress, report."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from onboarding.constants import ImportKind, ImportState
from onboarding.models import ImportJob
from onboarding.permissions import can_act, officer_required, viewer_required
from shared.accounts.session_guard import passive
from tenants.models import Jurisdiction

from . import guide, jobs, services
from .reading import MAX_BYTES
from .report import count_lines, report_csv
from .summary import group_errors

ERRORS_PER_PAGE = 100


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type d'import",
        choices=[
            (kind, f"{step}. {ImportKind(kind).label}")
            for step, kind in enumerate(jobs.SUPPORTED_KINDS, start=1)
        ],
        widget=forms.Select(attrs={"class": "fr-select"}),
    )
    file = forms.FileField(
        label="Fichier",
        help_text="CSV (séparateur « ; » ou « , »), XLSX ou iCalendar (.ics) : 50 Mo au plus.",
        widget=forms.ClearableFileInput(
            attrs={"class": "fr-upload", "accept": ".csv,.xlsx,.ics,.txt"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("Le fichier dépasse 50 Mo : découpez-le.")
        return upload


@viewer_required
def job_list(request, slug):
    jurisdiction = get_object_or_404(Jurisdiction.objects.tenants(), slug=slug)
    if request.method == "POST" and not can_act(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.start_import(
            jurisdiction,
            kind=form.cleaned_data["kind"],
            name=upload.name,
            data=upload.read(),
            acting_user=request.user,
        )
        return redirect("imports:detail", job_id=job.pk)
    return render(
        request,
        "onboarding/import_list.html",
        {
            # "target", not "jurisdiction": the layout would take the host's branding
            "target": jurisdiction,
            "form": form,
            "can_act": can_act(request.user),
            "jobs": ImportJob.objects.filter(jurisdiction=jurisdiction)[:50],
            "kinds": guide.kinds(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@viewer_required
def model_file(request, kind):
    """The model CSV of a kind: the importer's headers and one invented example row."""
    if kind not in jobs.SUPPORTED_KINDS:
        raise Http404
    response = HttpResponse(guide.model_file(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{guide.MODEL_FILE_NAMES[kind]}"'
    return response


@viewer_required
def job_detail(request, job_id):
    job = get_object_or_404(ImportJob.objects.select_related("jurisdiction"), pk=job_id)
    preview = job.preview or {}
    applied = job.state == ImportState.APPLIED
    errors = preview.get("errors", [])
    running = job.state in (ImportState.UPLOADED, ImportState.ANALYSING, ImportState.APPLYING)
    return render(
        request,
        "onboarding/import_detail.html",
        {
            "job": job,
            "preview": preview,
            "counts": count_lines(preview.get("counts", {}), applied=applied),
            "error_groups": group_errors(errors),
            "rejected_count": (preview.get("counts") or {}).get("reject", 0),
            "refused": job.state == ImportState.REFUSED or bool(preview.get("file_error")),
            "skipped": preview.get("skipped", [])[:ERRORS_PER_PAGE],
            "notes": preview.get("notes", [])[:ERRORS_PER_PAGE],
            "notes_count": len(preview.get("notes", [])),
            "running": running,
            "progress": jobs.read_progress(job) if running else None,
            "can_confirm": can_act(request.user)
            and job.state == ImportState.ANALYSED
            and not preview.get("file_error"),
        },
    )


@officer_required
@require_POST
def job_confirm(request, job_id):
    job = services.confirm_import(
        job_id, valid_only=request.POST.get("valid_only") == "1", acting_user=request.user
    )
    return redirect("imports:detail", job_id=job.pk)


@passive  # polled every second by the page: not the agent's activity (idle timeout)
@viewer_required
def job_progress(request, job_id):
    job = get_object_or_404(ImportJob.objects.select_related("jurisdiction"), pk=job_id)
    return JsonResponse(jobs.read_progress(job))


@viewer_required
def job_report(request, job_id):
    job = get_object_or_404(ImportJob, pk=job_id)
    lines = (job.report or {}).get("lines")
    if lines is None:
        preview = job.preview or {}
        lines = [
            [line, "rejetée", column, message]
            for line, column, message in preview.get("errors", [])
        ]
        lines += [[line, "ignorée", "", reason] for line, reason in preview.get("skipped", [])]
        lines += [[line, "remarque", "", note] for line, note in preview.get("notes", [])]
        lines.sort(key=lambda item: item[0])
        if preview.get("file_error"):
            lines.insert(0, [0, "rejetée", "", preview["file_error"]])
    response = HttpResponse(report_csv(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapport-import-{job.pk}.csv"'
    return response
