"""Jurisdiction routes of `make bench-api`: every product route, plus the bench-only baseline
``/api/v1/banc/rendez-vous/``: the same list served by a plain ModelSerializer and ModelViewSet
without query tuning (one query per related row: what the product's view avoids)."""

from django.urls import include, path
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.models import Appointment
from saas_platform.urls_tenant import urlpatterns as product_urlpatterns
from tenants.api.pagination import Cursor


# --- baseline -------------------------------------------------------------------------------------
class PlainPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "last_name", "first_names"]


class PlainTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppointmentType
        fields = ["id", "code", "label"]


class PlainPlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ["id", "name"]


class PlainAgendaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agenda
        fields = ["id", "name"]


class PlainAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class PlainAppointmentSerializer(serializers.ModelSerializer):
    person = PlainPersonSerializer()
    appointment_type = PlainTypeSerializer()
    place = PlainPlaceSerializer()
    agenda = PlainAgendaSerializer(allow_null=True)
    assigned_agent = PlainAgentSerializer(allow_null=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "starts_at",
            "duration_minutes",
            "state",
            "notify_mode",
            "case_numbers",
            "person",
            "appointment_type",
            "place",
            "agenda",
            "assigned_agent",
            "replaces",
            "state_changed_at",
            "created_at",
        ]


class PlainAppointmentViewSet(viewsets.ModelViewSet):
    queryset = Appointment.objects.all()
    serializer_class = PlainAppointmentSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_fields = {"agenda": ["exact"], "starts_at": ["date"]}  # the local day (USE_TZ)
    ordering = ("starts_at", "pk")
    http_method_names = ["get"]


class PlainCursor(Cursor):  # the API's pagination, the same order as the product's list
    ordering = ("starts_at", "pk")


PlainAppointmentViewSet.pagination_class = PlainCursor


router = SimpleRouter()
router.register("rendez-vous", PlainAppointmentViewSet, basename="banc-rendez-vous")

urlpatterns = [
    path("api/v1/banc/", include(router.urls)),
    *product_urlpatterns,
]

handler403 = "saas_platform.errors.forbidden"
handler404 = "saas_platform.errors.not_found"
handler500 = "saas_platform.errors.server_error"
