"""Pages of the imports for deployment officers (public host): upload, preview, progress, report."""

from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shared.accounts.constants import NationalRole
from tenants.models import Jurisdiction

from . import import_tasks
from .constants import ImportKind, ImportState
from .imports import jobs
from .imports.reading import MAX_BYTES
from .imports.report import count_lines, report_csv
from .models import ImportJob

ALLOWED_ROLES = (NationalRole.DEPLOYMENT_OFFICER, NationalRole.NATIONAL_TEAM)
ERRORS_PER_PAGE = 100


def officer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.national_role not in ALLOWED_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


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


@officer_required
def job_list(request, slug):
    jurisdiction = get_object_or_404(Jurisdiction.objects.tenants(), slug=slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = ImportJob.objects.create(
                jurisdiction=jurisdiction,
                kind=form.cleaned_data["kind"],
                original_name=upload.name[:255],
                created_by=request.user,
            )
            jobs.store_upload(job, upload.read())
            job.save(update_fields=["path", "size"])
            transaction.on_commit(lambda: import_tasks.analyse_import.delay(str(job.pk)))
        return redirect("imports:detail", job_id=job.pk)
    return render(
        request,
        "onboarding/import_list.html",
        {
            "jurisdiction": jurisdiction,
            "form": form,
            "jobs": ImportJob.objects.filter(jurisdiction=jurisdiction)[:50],
        },
    )


@officer_required
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
            "can_confirm": job.state == ImportState.ANALYSED and not preview.get("file_error"),
        },
    )


@officer_required
@require_POST
def job_confirm(request, job_id):
    job = get_object_or_404(ImportJob, pk=job_id, state=ImportState.ANALYSED)
    job.valid_only = request.POST.get("valid_only") == "1"
    if job.preview.get("errors") and not job.valid_only:
        return redirect("imports:detail", job_id=job.pk)
    job.state = ImportState.APPLYING
    job.save(update_fields=["valid_only", "state"])
    user_id = request.user.pk
    transaction.on_commit(lambda: import_tasks.apply_import.delay(str(job.pk), user_id))
    return redirect("imports:detail", job_id=job.pk)


@officer_required
def job_progress(request, job_id):
    job = get_object_or_404(ImportJob.objects.select_related("jurisdiction"), pk=job_id)
    return JsonResponse(jobs.read_progress(job))


@officer_required
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
