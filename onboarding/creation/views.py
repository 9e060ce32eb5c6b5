"""Screens of onboarding on the public host: create a jurisdiction, follow its preparation, its
go-live checklist, its branding. Deployment officers act; the national team may look."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from onboarding.constants import CreationState
from onboarding.models import CreationRequest, TestSms
from onboarding.permissions import can_act, officer_required, viewer_required
from tenants.constants import JurisdictionStatus
from tenants.handoff import CARRIED_SESSION_KEYS, issue_token
from tenants.models import Jurisdiction
from tenants.urls_helpers import host_url, jurisdiction_home_url

from . import checklist, services
from .forms import BrandingForm, CreationForm, OverrideForm, TestCodeForm, TestSmsForm

REFRESH_SECONDS = 1

# The checklist's items done on the jurisdiction's host, under the officer's temporary access
# (ADR 0017): the path segment of the link → the URL name on the jurisdiction host.
HOST_PAGES = {
    "lieux": "organisation:places",
    "agendas": "organisation:agendas",
    "modeles-de-creneaux": "organisation:slot_templates",
    "textes-sms": "notifications:templates",
}
# The officer's public-host session remembers which jurisdictions' SMS texts they opened: the
# review is confirmed after reading them.
TEXTS_OPENED_KEY = "onboarding_sms_texts_opened"


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
        "texts_opened": jurisdiction.slug in request.session.get(TEXTS_OPENED_KEY, []),
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
def open_on_host(request, slug: str, page: str):
    """Open the officer's temporary access (recorded) and hand the session over to the
    jurisdiction's host, on the page where the checklist item is done."""
    jurisdiction = _jurisdiction(slug)
    if page not in HOST_PAGES:
        raise Http404
    domain = jurisdiction.primary_domain_name()
    if domain is None:
        messages.error(request, "Cette juridiction n'a pas encore d'adresse : réessayez.")
        return redirect("onboarding:checklist", slug=slug)
    try:
        services.open_access(jurisdiction, acting_user=request.user)
    except services.OnboardingError as error:
        messages.error(request, str(error))
        return redirect("onboarding:checklist", slug=slug)
    if page == "textes-sms":
        opened = set(request.session.get(TEXTS_OPENED_KEY, []))
        request.session[TEXTS_OPENED_KEY] = sorted(opened | {slug})
    carried = {key: request.session[key] for key in CARRIED_SESSION_KEYS if key in request.session}
    target = reverse(HOST_PAGES[page], urlconf=settings.ROOT_URLCONF)
    token = issue_token(
        request.user.pk, jurisdiction.schema_name, extra={"session": carried, "next": target}
    )
    return redirect(host_url(request, domain, f"/connexion/relais/{token}/"))


@officer_required
@require_POST
def sms_review(request, slug: str):
    jurisdiction = _jurisdiction(slug)
    if slug not in request.session.get(TEXTS_OPENED_KEY, []):
        messages.error(
            request,
            "Lisez d'abord les textes des SMS (bouton « Lire les textes des SMS ») : la relecture "
            "se confirme après les avoir lus.",
        )
        return redirect("onboarding:checklist", slug=slug)
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
