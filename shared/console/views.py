"""Pages of the public host: home, the agent's jurisdictions, the national console skeleton."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from shared.accounts.constants import NationalRole
from tenants.models import Jurisdiction
from tenants.urls_helpers import jurisdiction_home_url
from tenants.views import memberships_with_links


def home(request):
    return render(request, "console/home.html")


@login_required
def dashboard(request):
    return render(
        request,
        "console/dashboard.html",
        {"memberships": memberships_with_links(request)},
    )


@login_required
def console(request):
    if request.user.national_role not in (
        NationalRole.NATIONAL_TEAM,
        NationalRole.DEPLOYMENT_OFFICER,
    ):
        raise PermissionDenied
    jurisdictions = Jurisdiction.objects.tenants().prefetch_related("domains").order_by("name")
    return render(
        request,
        "console/console.html",
        {
            "jurisdictions": [
                {"jurisdiction": j, "url": jurisdiction_home_url(request, j)} for j in jurisdictions
            ]
        },
    )
