"""Pages of the national information site (public host). Thin: queries live in search.py and the
models; every page is cached for visitors without a session (cache.py)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from shared.accounts.constants import NationalRole
from tenants.models import Jurisdiction
from tenants.urls_helpers import host_url

from .cache import cached_page
from .constants import PageCategory, PartnerCategory
from .geography import DEPARTEMENTS, nearest
from .models import InfoPage, ServicePage
from .search import (
    Location,
    departements_with_partners,
    departements_with_services,
    locate,
    partners_for,
    services_for,
)

UNDERSTAND_GROUPS = [
    (PageCategory.MEASURE, "Les peines et les mesures"),
    (PageCategory.ADJUSTMENT, "Les aménagements de peine"),
    (PageCategory.OBLIGATIONS, "Les obligations"),
    (PageCategory.ROLES, "Qui fait quoi ?"),
]


def _editor(request) -> bool:
    user = request.user
    return user.is_authenticated and user.national_role == NationalRole.NATIONAL_TEAM


def _visible(queryset, request):
    """Unpublished rows are shown to the national team only (preview before publishing)."""
    return queryset if _editor(request) else queryset.published()


def _hub(request, slug: str) -> InfoPage | None:
    return (
        _visible(InfoPage.objects.filter(category=PageCategory.HUB, slug=slug), request)
        .prefetch_related("sections")
        .first()
    )


@require_safe
@cached_page
def home(request):
    return render(
        request,
        "public_site/home.html",
        {"page": _hub(request, "accueil")},
    )


@require_safe
@cached_page
def finder(request):
    location = locate(request.GET.get("q", ""))
    code = request.GET.get("departement", "")
    if not location.query and code in DEPARTEMENTS:
        location = Location(query=code, departement=DEPARTEMENTS[code])
    services, elsewhere = [], []
    if location.found:
        services = list(services_for(location))
        if not services:
            elsewhere = nearest(location.departement.code, departements_with_services())
    return render(
        request,
        "public_site/finder.html",
        {
            "page": _hub(request, "preparer"),
            "location": location,
            "services": services,
            "elsewhere": elsewhere,
        },
    )


@require_safe
@cached_page
def service(request, slug: str):
    service = get_object_or_404(_visible(ServicePage.objects.all(), request), slug=slug)
    return render(
        request,
        "public_site/service.html",
        {"service": service, "departement": DEPARTEMENTS.get(service.departement)},
    )


@require_safe
@cached_page
def understand(request):
    pages = _visible(
        InfoPage.objects.exclude(category__in=[PageCategory.HUB, PageCategory.ABOUT]), request
    )
    by_category = {}
    for page in pages.order_by("position", "title"):
        by_category.setdefault(page.category, []).append(page)
    groups = [(label, by_category.get(category, [])) for category, label in UNDERSTAND_GROUPS]
    return render(
        request,
        "public_site/understand.html",
        {"page": _hub(request, "comprendre"), "groups": [g for g in groups if g[1]]},
    )


def _info_page(request, slug: str, categories) -> InfoPage:
    queryset = _visible(InfoPage.objects.filter(category__in=categories), request)
    return get_object_or_404(queryset.prefetch_related("sections"), slug=slug)


@require_safe
@cached_page
def understand_page(request, slug: str):
    page = _info_page(
        request,
        slug,
        [
            PageCategory.MEASURE,
            PageCategory.ADJUSTMENT,
            PageCategory.OBLIGATIONS,
            PageCategory.ROLES,
        ],
    )
    return render(request, "public_site/info_page.html", {"page": page, "in_understand": True})


@require_safe
@cached_page
def about(request, slug: str):
    page = _info_page(request, slug, [PageCategory.ABOUT])
    return render(request, "public_site/info_page.html", {"page": page})


def _directory(request, location: Location):
    category = request.GET.get("theme", "")
    if category not in PartnerCategory.values:
        category = ""
    partners, elsewhere = [], []
    if location.found:
        partners = list(partners_for(location, category))
        if not partners:
            elsewhere = nearest(location.departement.code, departements_with_partners())
    groups = {}
    for partner in partners:
        groups.setdefault(partner.get_category_display(), []).append(partner)
    return render(
        request,
        "public_site/directory.html",
        {
            "page": _hub(request, "reinsertion"),
            "location": location,
            "category": category,
            "categories": PartnerCategory.choices,
            "groups": list(groups.items()),
            "count": len(partners),
            "elsewhere": elsewhere,
        },
    )


@require_safe
@cached_page
def directory(request):
    return _directory(request, locate(request.GET.get("q", "")))


@require_safe
@cached_page
def directory_departement(request, departement: str):
    code = departement.upper()
    if code not in DEPARTEMENTS:
        raise Http404("Département inconnu")
    query = request.GET.get("q", "")
    location = locate(query) if query else Location()
    if not location.found or location.departement.code != code:
        location = Location(query=code, departement=DEPARTEMENTS[code])
    return _directory(request, location)


@require_safe
def robots(request):
    sitemap_url = request.build_absolute_uri(reverse("public_site:sitemap"))
    return HttpResponse(
        f"User-agent: *\nDisallow: /admin/\nDisallow: /comptes/\nSitemap: {sitemap_url}\n",
        content_type="text/plain; charset=utf-8",
    )


PORTAL_PATH = "/mon-espace/"


@require_safe
def my_space(request):
    """The way to one's personal space: it lives on the jurisdiction's own address, so the public
    site lists the jurisdictions open to people, with the départements each one covers."""
    jurisdictions = []
    for jurisdiction in Jurisdiction.objects.live().prefetch_related("domains").order_by("name"):
        domains = list(jurisdiction.domains.all())
        primary = next((d for d in domains if d.is_primary), domains[0] if domains else None)
        if primary is None:
            continue
        jurisdictions.append(
            {
                "name": jurisdiction.name,
                "departements": [
                    f"{DEPARTEMENTS[code].name} ({code})" if code in DEPARTEMENTS else code
                    for code in jurisdiction.departement_list
                ],
                "url": host_url(request, primary.domain, PORTAL_PATH),
            }
        )
    return render(request, "public_site/my_space.html", {"jurisdictions": jurisdictions})
