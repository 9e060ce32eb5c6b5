"""Pages of the public host: home, the agent's jurisdictions, the national console."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from shared.accounts.constants import NationalRole
from shared.retention import services as retention_services
from shared.retention.constants import Category
from shared.retention.models import RunState
from tenants.constants import JurisdictionStatus
from tenants.models import Jurisdiction
from tenants.time_zones import zone_label
from tenants.urls_helpers import jurisdiction_home_url
from tenants.views import memberships_with_links

CONSOLE_ROLES = (NationalRole.NATIONAL_TEAM, NationalRole.DEPLOYMENT_OFFICER)
STATUS_BADGES = {
    JurisdictionStatus.ONBOARDING: "fr-badge--info",
    JurisdictionStatus.LIVE: "fr-badge--success",
    JurisdictionStatus.SUSPENDED: "fr-badge--warning",
}


def home(request):
    return render(request, "console/home.html")


@login_required
def dashboard(request):
    return render(
        request,
        "console/dashboard.html",
        {"memberships": memberships_with_links(request)},
    )


class ConsoleFilterForm(forms.Form):
    nom = forms.CharField(
        label="Nom ou département",
        required=False,
        max_length=100,
        error_messages={"max_length": "Cherchez au plus 100 caractères."},
        widget=forms.TextInput(attrs={"class": "fr-input", "type": "search"}),
    )
    etat = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Tous les états"), *JurisdictionStatus.choices],
        error_messages={"invalid_choice": "État inconnu : « %(value)s »."},
        widget=forms.Select(attrs={"class": "fr-select"}),
    )


@require_safe
@login_required
def console(request, activity=None, transfers=None):
    """Every jurisdiction: its state, its going live, its last activity, its transfers in flight
    and where to go. ``activity`` (jurisdiction ids -> last activity, from the statistics' day
    rows) and ``transfers`` (jurisdiction ids -> pending requests to answer and asked, counts
    only, from the transfers app) are handed over by the URLconf, the composition root."""
    if request.user.national_role not in CONSOLE_ROLES:
        raise PermissionDenied
    form = ConsoleFilterForm(request.GET or None)
    jurisdictions = Jurisdiction.objects.tenants().prefetch_related("domains").order_by("name")
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400  # the message, and the whole list: nothing filtered on a bad value
    elif form.is_bound:
        text, state = form.cleaned_data["nom"].strip(), form.cleaned_data["etat"]
        if text:
            jurisdictions = jurisdictions.filter(
                Q(name__icontains=text)
                | Q(tj_name__icontains=text)
                | Q(spip_name__icontains=text)
                | Q(departements__icontains=text)
            )
        if state:
            jurisdictions = jurisdictions.filter(status=state)
    jurisdictions = list(jurisdictions)
    activities = activity([j.pk for j in jurisdictions]) if activity else {}
    in_flight = transfers([j.pk for j in jurisdictions]) if transfers else {}
    now = timezone.now()
    rows = [
        {
            "jurisdiction": j,
            "badge": STATUS_BADGES.get(j.status, ""),
            "zone": zone_label(j.time_zone, now),
            "went_live": timezone.localdate(j.went_live_at, j.zone) if j.went_live_at else None,
            "activity": activities.get(j.pk),
            "transfers": in_flight.get(j.pk),
            "url": jurisdiction_home_url(request, j),
        }
        for j in jurisdictions
    ]
    total = Jurisdiction.objects.tenants().count()
    return render(
        request,
        "console/console.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "filtered": form.is_bound and form.is_valid() and len(rows) != total,
            "national_team": request.user.national_role == NationalRole.NATIONAL_TEAM,
        },
        status=status,
    )


@require_safe
@login_required
def retention(request):
    """The national team's view of the nightly retention job: each jurisdiction's last run and
    what it archived and erased; the rules, edited in the admin."""
    if request.user.national_role != NationalRole.NATIONAL_TEAM:
        raise PermissionDenied
    latest = retention_services.latest_run_per_jurisdiction()
    rows = []
    for jurisdiction in Jurisdiction.objects.tenants().order_by("name"):
        run = latest.get(jurisdiction.pk)
        tallies = {tally.category: tally.count for tally in run.tallies.all()} if run else {}
        rows.append(
            {
                "jurisdiction": jurisdiction,
                "run": run,
                "archived": tallies.get(Category.PEOPLE_ARCHIVE, 0),
                "erased": tallies.get(Category.PEOPLE_ERASE, 0),
                "others": sum(
                    count
                    for category, count in tallies.items()
                    if category not in (Category.PEOPLE_ARCHIVE, Category.PEOPLE_ERASE)
                ),
            }
        )
    return render(
        request,
        "console/retention.html",
        {
            "rows": rows,
            "failed": sum(1 for row in rows if row["run"] and row["run"].state == RunState.FAILED),
            "never": sum(1 for row in rows if row["run"] is None),
            "rules": retention_services.current_rules().values(),
        },
    )
