"""Pages of the imports for deployment officers (public host): upload, preview, progress, report."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from onboarding.constants import ImportKind, ImportState
from onboarding.models import ImportJob
from onboarding.permissions import can_act, officer_required, viewer_required
from shared.accounts.session_guard import passive
from tenants.models import Jurisdiction

from . import jobs, services
from .reading import MAX_BYTES
from .report import count_lines, report_csv

ERRORS_PER_PAGE = 100


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type d'import",
        choices=[(kind, ImportKind(kind).label) for kind in jobs.SUPPORTED_KINDS],
    )
    file = forms.FileField(label="Fichier", help_text="CSV (; ou ,) ou XLSX, 50 Mo au plus.")

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
            "jurisdiction": jurisdiction,
            "form": form,
            "can_act": can_act(request.user),
            "jobs": ImportJob.objects.filter(jurisdiction=jurisdiction)[:50],
        },
    )


@viewer_required
def job_detail(request, job_id):
    job = get_object_or_404(ImportJob.objects.select_related("jurisdiction"), pk=job_id)
    preview = job.preview or {}
    applied = job.state == ImportState.APPLIED
    errors = Paginator(preview.get("errors", []), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    running = job.state in (ImportState.UPLOADED, ImportState.ANALYSING, ImportState.APPLYING)
    return render(
        request,
        "onboarding/import_detail.html",
        {
            "job": job,
            "preview": preview,
            "counts": count_lines(preview.get("counts", {}), applied=applied),
            "errors": errors,
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
