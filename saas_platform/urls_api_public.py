"""The national read-only API of the public host, /api/v1/ (open data: published statistics,
the service directory, the reinsertion directory). Each resource lives in its app's ``api.py``;
the base (no authentication, limits per address, cache) in tenants/api/public.py."""

from django.urls import path

from shared.national_stats.api import StatisticsView
from shared.public_site.api import PartnerList, ServiceList

urlpatterns = [
    path("statistiques/", StatisticsView.as_view(), name="api-public-statistics"),
    path("services/", ServiceList.as_view(), name="api-public-services"),
    path("reinsertion/", PartnerList.as_view(), name="api-public-reinsertion"),
]
