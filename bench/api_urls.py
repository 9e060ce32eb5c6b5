"""Jurisdiction routes of `make bench-api`: every product route, plus two bench-only views.

- ``/api/v1/banc/rendez-vous/``: the baseline, the same list served by a plain ModelSerializer and
  ModelViewSet without query tuning (one query per related row: what the product's view avoids).
- ``/api/v1/banc/reservation/``: a minimal booking view calling the scheduling service, for as
  long as the API's own booking (POST rendez-vous/, scheduling/api_writes.py) is not in the tree.
"""

from django.urls import include, path
from django_filters import rest_framework as filters
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from jurisdiction_apps.scheduling.api import AppointmentSerializer, OffsetDateTimeField
from jurisdiction_apps.scheduling.models import Appointment
from jurisdiction_apps.scheduling.services import BookingError, BookingRequest, book
from saas_platform.urls_tenant import urlpatterns as product_urlpatterns
from tenants.api.pagination import Cursor
from tenants.api.permissions import ActionPermission
from tenants.permissions import Action


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


# --- minimal booking ------------------------------------------------------------------------------
class BookingSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    appointment_type = serializers.PrimaryKeyRelatedField(queryset=AppointmentType.objects.all())
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all())
    agenda = serializers.PrimaryKeyRelatedField(queryset=Agenda.objects.all())
    starts_at = serializers.DateTimeField()

    def validate_starts_at(self, value):
        return OffsetDateTimeField().to_python(value.isoformat())


class MinimalBooking(APIView):
    permission_classes = [ActionPermission]
    action_permissions = {"POST": Action.BOOK}

    def post(self, request):
        serializer = BookingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            appointment = book(
                BookingRequest(**serializer.validated_data), acting_user=request.user
            )
        except BookingError as error:
            raise serializers.ValidationError({"non_field_errors": [str(error)]}) from error
        appointment = Appointment.objects.select_related(
            "person", "appointment_type", "place", "agenda", "assigned_agent"
        ).get(pk=appointment.pk)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("rendez-vous", PlainAppointmentViewSet, basename="banc-rendez-vous")

urlpatterns = [
    path("api/v1/banc/", include(router.urls)),
    path("api/v1/banc/reservation/", MinimalBooking.as_view()),
    *product_urlpatterns,
]

handler403 = "saas_platform.errors.forbidden"
handler404 = "saas_platform.errors.not_found"
handler500 = "saas_platform.errors.server_error"
