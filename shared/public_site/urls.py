"""Readable addresses of the information site; the pages "about the site" come last (/<slug>/)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import views
from .cache import cached_page
from .sitemaps import SITEMAPS


class DepartementConverter:
    regex = r"(?:\d{2,3}|2[abAB])"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return str(value).lower()


register_converter(DepartementConverter, "departement")

app_name = "public_site"

urlpatterns = [
    path("preparer/", views.finder, name="finder"),
    path("preparer/<slug:slug>/", views.service, name="service"),
    path("comprendre/", views.understand, name="understand_index"),
    path("comprendre/<slug:slug>/", views.understand_page, name="understand"),
    path("reinsertion/", views.directory, name="directory"),
    path(
        "reinsertion/<departement:departement>/",
        views.directory_departement,
        name="directory_departement",
    ),
    path("mon-espace/", views.my_space, name="my_space"),
    path("sitemap.xml", cached_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    # Last, and this URLconf is included last: /<slug>/ for the pages about the site.
    path("<slug:slug>/", views.about, name="about"),
]
