"""sitemap.xml of the public site: the section pages, every published page and directory."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .constants import HUB_SLUGS, PageCategory
from .models import InfoPage, ServicePage
from .search import departements_with_partners


class HubSitemap(Sitemap):
    priority = 1.0

    def items(self):
        return list(HUB_SLUGS.values())

    def location(self, item):
        return item


class InfoPageSitemap(Sitemap):
    def items(self):
        return InfoPage.objects.published().exclude(category=PageCategory.HUB).order_by("slug")

    def lastmod(self, page):
        return page.updated_at


class ServicePageSitemap(Sitemap):
    priority = 0.8

    def items(self):
        return ServicePage.objects.published().order_by("slug")

    def lastmod(self, service):
        return service.updated_at


class DirectorySitemap(Sitemap):
    def items(self):
        return sorted(departements_with_partners())

    def location(self, code):
        return reverse("public_site:directory_departement", args=[code])


SITEMAPS = {
    "rubriques": HubSitemap,
    "pages": InfoPageSitemap,
    "services": ServicePageSitemap,
    "reinsertion": DirectorySitemap,
}
