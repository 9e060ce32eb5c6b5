"""Screens of onboarding on the public host: create a jurisdiction, follow its preparation, its
go-live checklist, its branding. Deployment officers act; the national team may look."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from onboarding.constants import CreationState
from onboarding.models import CreationRequest, TestSms
from onboarding.permissions import can_act, officer_required, viewer_required
from tenants.constants import JurisdictionStatus
from tenants.models import Jurisdiction
from tenants.urls_helpers import jurisdiction_home_url

from . import checklist, services
from .forms import BrandingForm, CreationForm, OverrideForm, TestCodeForm, TestSmsForm

REFRESH_SECONDS = 1


@viewer_required
def index(request):
    onboarding = Jurisdiction.objects.tenants().filter(status=JurisdictionStatus.ONBOARDING)
    rows = [
        {"jurisdiction": jurisdiction, "checklist": checklist.compute(jurisdiction)}
        for jurisdiction in onboarding.order_by("name")
    ]
    creations = CreationRequest.objects.exclude(state=CreationState.READY)[:10]
    return render(
        request,
        "onboarding/index.html",
        {"rows": rows, "creations": creations, "can_act": can_act(request.user)},
    )


@officer_required
def create(request):
    form = CreationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        creation = services.request_creation(
            form.spec_data(), logo=form.logo_content, acting_user=request.user
        )
        return redirect("onboarding:creation", pk=creation.pk)
    return render(request, "onboarding/create.html", {"form": form})


@viewer_required
def creation(request, pk: int):
    creation = get_object_or_404(CreationRequest, pk=pk)
    pending = creation.state in (CreationState.QUEUED, CreationState.RUNNING)
    if creation.seconds is not None:
        seconds = creation.seconds
    else:
        seconds = (timezone.now() - (creation.started_at or creation.created_at)).total_seconds()
    return render(
        request,
        "onboarding/creation.html",
        {
            "creation": creation,
            "pending": pending,
            "seconds": seconds,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


def _jurisdiction(slug: str) -> Jurisdiction:
    jurisdiction = Jurisdiction.objects.tenants().filter(slug=slug).first()
    if jurisdiction is None:
        raise Http404
    return jurisdiction


def _checklist_page(request, jurisdiction, **forms):
    state = checklist.compute(jurisdiction)
    pending_test = (
        TestSms.objects.filter(jurisdiction=jurisdiction, confirmed_at__isnull=True)
        .order_by("-sent_at", "-pk")
        .first()
    )
    if pending_test is not None and pending_test.attempts >= services.TEST_SMS_ATTEMPTS:
        pending_test = None
    context = {
        "target": jurisdiction,  # not "jurisdiction": the layout would take the host's branding
        "checklist": state,
        "can_act": can_act(request.user),
        "home_url": jurisdiction_home_url(request, jurisdiction),
        "pending_test": pending_test,
        "sms_form": forms.get("sms_form") or TestSmsForm(),
        "code_form": forms.get("code_form") or TestCodeForm(),
        "override_form": forms.get("override_form") or OverrideForm(),
        "is_onboarding": jurisdiction.status == JurisdictionStatus.ONBOARDING,
    }
    return render(request, "onboarding/checklist.html", context, status=forms.get("status", 200))


@viewer_required
def jurisdiction_checklist(request, slug: str):
    return _checklist_page(request, _jurisdiction(slug))


@officer_required
def branding(request, slug: str):
    jurisdiction = _jurisdiction(slug)
    initial = {"brand_name": jurisdiction.brand_name, "primary_colour": jurisdiction.primary_colour}
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            event = services.update_branding(
                jurisdiction,
                brand_name=form.cleaned_data["brand_name"],
                primary_colour=form.cleaned_data["primary_colour"],
                logo=form.logo_content,
                remove_logo=form.cleaned_data["remove_logo"],
                acting_user=request.user,
            )
            if event is None:
                messages.info(request, "Identité visuelle inchangée : aucune modification.")
            else:
                messages.success(request, "Identité visuelle enregistrée.")
            return redirect("onboarding:checklist", slug=slug)
        status = 400
    else:
        status = 200
    return render(
        request,
        "onboarding/branding.html",
        # "target", not "jurisdiction": the layout would take the host's branding
        {"target": jurisdiction, "form": form},
        status=status,
    )


@officer_required
@require_POST
def test_sms_send(request, slug: str):
    jurisdiction = _jurisdiction(slug)
    form = TestSmsForm(request.POST)
    if form.is_valid():
        try:
            services.send_test_sms(
                jurisdiction, form.cleaned_data["phone"], acting_user=request.user
            )
        except services.OnboardingError as error:
            form.add_error("phone", str(error))
        else:
            messages.success(request, "SMS de test envoyé : saisissez le code reçu.")
            return redirect("onboarding:checklist", slug=slug)
    return _checklist_page(request, jurisdiction, sms_form=form, status=400)


@officer_required
@require_POST
def test_sms_confirm(request, slug: str):
    jurisdiction = _jurisdiction(slug)
    form = TestCodeForm(request.POST)
    if form.is_valid():
        try:
            services.confirm_test_sms(
                jurisdiction, form.cleaned_data["code"], acting_user=request.user
            )
        except services.OnboardingError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, "SMS de test reçu : ce point est validé.")
            return redirect("onboarding:checklist", slug=slug)
    return _checklist_page(request, jurisdiction, code_form=form, status=400)


@officer_required
@require_POST
def sms_review(request, slug: str):
    jurisdiction = _jurisdiction(slug)
    services.confirm_sms_review(jurisdiction, acting_user=request.user)
    messages.success(request, "Relecture des textes des SMS enregistrée.")
    return redirect("onboarding:checklist", slug=slug)


@officer_required
@require_POST
def go_live(request, slug: str):
    jurisdiction = _jurisdiction(slug)
    override = "reason" in request.POST
    form = OverrideForm(request.POST) if override else None
    if form is not None and not form.is_valid():
        return _checklist_page(request, jurisdiction, override_form=form, status=400)
    try:
        _, scheduled = services.go_live(
            jurisdiction,
            acting_user=request.user,
            override_reason=form.cleaned_data["reason"] if form else "",
        )
    except services.OnboardingError as error:
        messages.error(request, str(error))
        return redirect("onboarding:checklist", slug=slug)
    messages.success(
        request,
        f"{jurisdiction.name} est en service. "
        f"{scheduled} rappel{'s' if scheduled > 1 else ''} SMS programmé"
        f"{'s' if scheduled > 1 else ''}.",
    )
    return redirect("onboarding:checklist", slug=slug)
