"""Write side of appointments in the API (issue 20), and the free slots search.

Every write calls the services of the booking and appointment pages (services.book, reschedule,
change_state) with the same choices as the pages: the types a role may book
(AppointmentType.bookable_by), the agents who hold appointments (queries.holder_memberships), the
SMS choice (NotifyMode for a booking or a rescheduling; "notify" for a cancellation, as the page's
"Annuler et prévenir la personne"; no SMS choice for an outcome, as on the pages).

``AppointmentWriteMixin`` is composed with the read side (api.py) into the ``rendez-vous/``
viewset; ``action_permissions`` of both are merged by ``__init_subclass__``.

Times: ``starts_at`` is ISO 8601 with its offset (without one: 400), or ``date`` + ``time`` read
as the jurisdiction's wall clock, as on the booking page; a local time that does not exist (the
spring DST gap) or exists twice (the autumn fold) is refused in French.
"""

from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jurisdiction_apps.organisation.models import Agenda, AppointmentType, Place
from jurisdiction_apps.people.models import Person
from tenants.api import idempotency
from tenants.api.pagination import Cursor
from tenants.api.permissions import ActionPermission
from tenants.api.schema import error_responses
from tenants.api.serializers import StrictFieldsMixin
from tenants.permissions import Action

from . import queries
from .constants import EventKind, NotifyMode
from .models import Appointment, Slot, TransitionError
from .services import (
    BookingError,
    BookingRequest,
    PersonNotBookable,
    SlotUnavailable,
    book,
    change_state,
    reschedule,
)

MAX_PERIOD_DAYS = 31
OFFSET_EXAMPLE = "2027-03-29T10:00:00+02:00"


def _zone():
    return connection.tenant.zone


# --- errors ----------------------------------------------------------------------------------
class BookingRefused(exceptions.APIException):
    """A rule of the booking refused the request (the service's French message)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "booking_refused"


class StateConflict(exceptions.APIException):
    """The appointment's, slot's or person's state refuses the change (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _refusal(error: Exception) -> exceptions.APIException:
    if isinstance(error, SlotUnavailable):
        return StateConflict(str(error), code="slot_unavailable")
    if isinstance(error, PersonNotBookable):
        return StateConflict(str(error), code="person_transferred")
    if isinstance(error, TransitionError):
        return StateConflict(str(error), code="transition_refused")
    return BookingRefused(str(error), code="booking_refused")


# --- fields ----------------------------------------------------------------------------------
class OffsetDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its offset; a datetime without one is refused (it would be ambiguous)."""

    default_error_messages = {
        "invalid": (
            f"Date et heure invalides : format ISO 8601 avec décalage attendu ({OFFSET_EXAMPLE})."
        ),
        "naive": f"Indiquez le décalage horaire, par exemple {OFFSET_EXAMPLE}.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        elif not isinstance(value, datetime):
            self.fail("invalid")
        return super().to_internal_value(value)


def local_moment(day: date, at, zone) -> datetime:
    """The aware datetime of a local wall-clock time; a time skipped by the spring change or
    repeated by the autumn one is refused (the page would silently shift it)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise serializers.ValidationError(
            {"time": ["Cette heure n'existe pas ce jour-là (passage à l'heure d'été)."]}
        )
    if naive.replace(tzinfo=zone, fold=1).utcoffset() != aware.utcoffset():
        raise serializers.ValidationError(
            {
                "time": [
                    "Cette heure existe deux fois ce jour-là (passage à l'heure d'hiver) : "
                    "donnez « starts_at » avec son décalage."
                ]
            }
        )
    return aware


@extend_schema_field(OpenApiTypes.STR)
class PeriodBoundField(serializers.Field):
    """A local date (YYYY-MM-DD, in the jurisdiction's zone) or a datetime with its offset."""

    default_error_messages = {
        "invalid": f"Date (AAAA-MM-JJ) ou date et heure avec décalage ({OFFSET_EXAMPLE}) attendue.",
        "naive": f"Indiquez le décalage horaire, par exemple {OFFSET_EXAMPLE}, ou une date seule.",
    }

    def __init__(self, *, end: bool = False, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        value = str(value).strip()
        try:
            day = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            self.fail("invalid")
        if day is not None:
            try:
                if self.end:  # an end date counts whole: up to the next local midnight
                    day += timedelta(days=1)
                return queries.local_day_bounds(day, _zone())[0]
            except OverflowError:
                self.fail("invalid")
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid")
        if parsed.tzinfo is None:
            self.fail("naive")
        return parsed

    def to_representation(self, value):
        return value.isoformat()


def _role(serializer) -> str:
    return serializer.context["request"].membership.role


@extend_schema_field(OpenApiTypes.INT)
class BookableTypeField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "Ce type de rendez-vous ne vous est pas proposé.",
        "incorrect_type": "Identifiant de type de rendez-vous attendu (un entier).",
    }

    def get_queryset(self):
        return AppointmentType.objects.bookable_by(_role(self.parent))


def _related(model, label: str, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=model.objects.all(),
        error_messages={
            "does_not_exist": f"{label} introuvable dans cette juridiction.",
            "incorrect_type": f"Identifiant de {label.lower()} attendu (un entier).",
        },
        **kwargs,
    )


# --- slot search -------------------------------------------------------------------------------
class SlotSearchSerializer(serializers.Serializer):
    appointment_type = serializers.IntegerField(
        required=False, min_value=1, help_text="Identifiant du type de rendez-vous."
    )
    place = serializers.IntegerField(required=False, min_value=1, help_text="Identifiant du lieu.")
    agenda = serializers.IntegerField(
        required=False, min_value=1, help_text="Identifiant de l'agenda."
    )
    start = PeriodBoundField(
        help_text="Début de la période : une date locale (AAAA-MM-JJ, dans le fuseau de la "
        f"juridiction, depuis minuit) ou une date et heure avec décalage ({OFFSET_EXAMPLE})."
    )
    end = PeriodBoundField(
        end=True,
        help_text="Fin de la période : une date locale (incluse, jusqu'à minuit le soir) ou une "
        f"date et heure avec décalage (exclue). Au plus {MAX_PERIOD_DAYS} jours après le début.",
    )

    def validate_appointment_type(self, value):
        if not AppointmentType.objects.bookable_by(_role(self)).filter(pk=value).exists():
            raise serializers.ValidationError("Ce type de rendez-vous ne vous est pas proposé.")
        return value

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["La fin doit venir après le début."]})
        if attrs["end"] - attrs["start"] > timedelta(days=MAX_PERIOD_DAYS):
            raise serializers.ValidationError(
                {"end": [f"La période va au plus de {MAX_PERIOD_DAYS} jours."]}
            )
        return attrs


class SlotSerializer(serializers.ModelSerializer):
    place = serializers.IntegerField(source="agenda.place_id", help_text="Identifiant du lieu.")
    ends_at = serializers.DateTimeField(help_text="Fin du créneau (ISO 8601, avec décalage).")
    remaining = serializers.IntegerField(help_text="Places encore libres.")

    class Meta:
        model = Slot
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "capacity",
            "remaining",
            "appointment_type",
            "agenda",
            "place",
        ]
        extra_kwargs = {
            "starts_at": {"help_text": "Début du créneau (ISO 8601, fuseau de la juridiction)."},
            "appointment_type": {"help_text": "Identifiant du type de rendez-vous."},
            "agenda": {"help_text": "Identifiant de l'agenda."},
        }


class SlotCursor(Cursor):
    ordering = ("starts_at", "pk")


@extend_schema_view(
    get=extend_schema(
        operation_id="creneaux_list",
        summary="Chercher les créneaux libres",
        description=(
            "Les créneaux ouverts, à venir et avec une place libre, des types de rendez-vous que "
            "votre rôle peut réserver, dans une période d'au plus "
            f"{MAX_PERIOD_DAYS} jours (les mêmes que la page de convocation). Filtres : type, "
            "lieu, agenda. Pagination par curseur, dans l'ordre des heures."
        ),
        parameters=[SlotSearchSerializer],
        responses={200: SlotSerializer(many=True), **error_responses(400)},
        tags=["Créneaux"],
    )
)
class SlotSearchView(generics.ListAPIView):
    permission_classes = [ActionPermission]
    action_permissions = {"GET": Action.BOOK}
    serializer_class = SlotSerializer
    pagination_class = SlotCursor
    filter_backends = []

    def get_queryset(self):
        params = SlotSearchSerializer(data=self.request.query_params, context=self.get_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        types = AppointmentType.objects.bookable_by(self.request.membership.role)
        if data.get("appointment_type"):
            types = types.filter(pk=data["appointment_type"])
        return queries.free_slots(
            types,
            data["start"],
            data["end"],
            agenda_id=data.get("agenda"),
            place_id=data.get("place"),
        )

    def get_context(self):
        return {"request": self.request}


# --- appointments: input -----------------------------------------------------------------------
TIME_FIELDS = ("starts_at", "date", "time", "duration_minutes")


class BookingSerializer(StrictFieldsMixin, serializers.Serializer):
    person = _related(Person, "Personne", help_text="Identifiant de la personne suivie.")
    appointment_type = BookableTypeField(
        help_text="Identifiant du type de rendez-vous (un de ceux que votre rôle réserve)."
    )
    place = _related(Place, "Lieu", help_text="Identifiant du lieu.")
    agenda = _related(
        Agenda,
        "Agenda",
        required=False,
        allow_null=True,
        help_text="Identifiant de l'agenda : obligatoire pour un type réservé sur créneau.",
    )
    slot = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Identifiant du créneau (types réservés sur créneau ; voir /creneaux/).",
    )
    starts_at = OffsetDateTimeField(
        required=False,
        allow_null=True,
        help_text="Types sans créneau : date et heure avec décalage "
        f"({OFFSET_EXAMPLE}) ; ou bien « date » et « time ».",
    )
    date = serializers.DateField(
        required=False, help_text="Types sans créneau : date locale (AAAA-MM-JJ), avec « time »."
    )
    time = serializers.TimeField(
        required=False,
        help_text="Types sans créneau : heure locale (HH:MM) dans le fuseau de la juridiction.",
    )
    duration_minutes = serializers.IntegerField(
        required=False,
        min_value=5,
        max_value=600,
        help_text="Types sans créneau : durée en minutes (par défaut celle du type).",
    )
    notify = serializers.ChoiceField(
        choices=NotifyMode.choices,
        default=NotifyMode.NOTIFY_AND_REMIND,
        help_text="SMS : « notify_and_remind » (prévenir maintenant et rappeler avant, par "
        "défaut) ou « remind_only » (rappeler seulement avant le rendez-vous).",
    )
    case_numbers = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="Numéros de parquet (demandés par certains types).",
    )
    assigned_agent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Identifiant du compte de l'agent qui reçoit la personne (CPIP, psychologue…).",
    )

    def validate_assigned_agent(self, value):
        if value is None:
            return None
        tenant = self.context["request"].tenant
        membership = queries.holder_memberships(tenant).filter(user_id=value).first()
        if membership is None:
            raise serializers.ValidationError(
                "Cet agent ne reçoit pas de rendez-vous dans cette juridiction."
            )
        return membership.user

    def validate(self, attrs):
        for name, default in self.context.get("defaults", {}).items():
            if name not in attrs:
                attrs[name] = default
        kind = attrs["appointment_type"]
        if "appointment_type" not in self.initial_data and not (
            AppointmentType.objects.bookable_by(_role(self)).filter(pk=kind.pk).exists()
        ):
            raise serializers.ValidationError(
                {"appointment_type": ["Ce type de rendez-vous ne vous est pas proposé."]}
            )
        if kind.books_on_slots:
            given = [name for name in TIME_FIELDS if attrs.get(name) is not None]
            if given:
                message = "Ce type de rendez-vous se réserve sur un créneau : retirez ce champ."
                raise serializers.ValidationError({name: [message] for name in given})
            errors = {}
            if not attrs.get("slot"):
                errors["slot"] = ["Choisissez un créneau (voir /creneaux/)."]
            if not attrs.get("agenda"):
                errors["agenda"] = ["Choisissez l'agenda du créneau."]
            if errors:
                raise serializers.ValidationError(errors)
            return attrs
        if attrs.get("slot") is not None:
            raise serializers.ValidationError(
                {"slot": ["Ce type de rendez-vous se réserve sur un horaire libre, sans créneau."]}
            )
        local = [name for name in ("date", "time") if attrs.get(name) is not None]
        if attrs.get("starts_at") is not None:
            if local:
                message = "Donnez « starts_at » ou bien « date » et « time », pas les deux."
                raise serializers.ValidationError({name: [message] for name in local})
            return attrs
        if len(local) < 2:
            missing = [name for name in ("starts_at", "date", "time") if name not in local]
            raise serializers.ValidationError(
                {name: ["Indiquez la date et l'heure du rendez-vous."] for name in missing}
            )
        attrs["starts_at"] = local_moment(attrs["date"], attrs["time"], _zone())
        return attrs

    def booking_request(self, person=None) -> BookingRequest:
        data = self.validated_data
        return BookingRequest(
            person=person or data["person"],
            appointment_type=data["appointment_type"],
            place=data["place"],
            agenda=data.get("agenda"),
            slot_id=data.get("slot"),
            starts_at=data.get("starts_at"),
            duration_minutes=data.get("duration_minutes"),
            notify_mode=data["notify"],
            case_numbers=data.get("case_numbers", ""),
            assigned_agent=data.get("assigned_agent"),
        )


class RescheduleSerializer(BookingSerializer):
    """The new time of an appointment: type, place and agenda default to the old one's."""

    person = None
    appointment_type = BookableTypeField(
        required=False, help_text="Identifiant du type (par défaut celui du rendez-vous reporté)."
    )
    place = _related(
        Place, "Lieu", required=False, help_text="Identifiant du lieu (par défaut le même)."
    )
    case_numbers = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Numéros de parquet (par défaut ceux du rendez-vous reporté).",
    )


class CancelSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="", help_text="Motif (libre)."
    )
    notify = serializers.BooleanField(
        default=True,
        help_text="Prévenir la personne par SMS de l'annulation (par défaut oui, comme le bouton "
        "« Annuler et prévenir la personne »).",
    )


OUTCOMES = {
    EventKind.FULFILLED: "honoré (la personne est venue)",
    EventKind.NO_SHOW: "manqué (la personne n'est pas venue)",
    EventKind.EXCUSED: "excusé",
}


class OutcomeSerializer(StrictFieldsMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=list(OUTCOMES.items()),
        help_text="« fulfilled » (honoré, après l'heure), « no_show » (manqué, après l'heure) ou "
        "« excused » (excusé, avant l'heure ou après une absence). Aucun SMS, comme sur les "
        "pages.",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="", help_text="Motif (libre)."
    )


# --- appointments: output ----------------------------------------------------------------------
class AppointmentResultSerializer(serializers.ModelSerializer):
    notify = serializers.CharField(
        source="notify_mode", help_text="Choix SMS : notify_and_remind ou remind_only."
    )
    ends_at = serializers.DateTimeField(help_text="Fin (ISO 8601, fuseau de la juridiction).")
    replaces = serializers.IntegerField(
        source="replaces_id", allow_null=True, help_text="Le rendez-vous reporté par celui-ci."
    )
    event_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Identifiants de ses événements, dans l'ordre (voir /changements/).",
    )

    class Meta:
        model = Appointment
        fields = [
            "id",
            "person",
            "appointment_type",
            "place",
            "agenda",
            "slot",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "state",
            "notify",
            "case_numbers",
            "assigned_agent",
            "replaces",
            "event_ids",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "starts_at": {"help_text": "Date et heure (ISO 8601, fuseau de la juridiction)."},
            "state": {"help_text": "booked, fulfilled, no_show, excused ou cancelled."},
        }


def _result(appointment_id: int) -> dict:
    appointment = Appointment.objects.get(pk=appointment_id)
    appointment.ends_at = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
    appointment.event_ids = list(
        appointment.history.order_by("at", "pk").values_list("pk", flat=True)
    )
    return AppointmentResultSerializer(appointment).data


BOOK_EXAMPLE = OpenApiExample(
    "Sur un créneau",
    value={
        "person": 42,
        "appointment_type": 3,
        "place": 5,
        "agenda": 7,
        "slot": 1234,
        "notify": "notify_and_remind",
        "case_numbers": "2027/123",
    },
    request_only=True,
)
FREE_TIME_EXAMPLE = OpenApiExample(
    "À une heure libre (heure locale)",
    value={
        "person": 42,
        "appointment_type": 4,
        "place": 5,
        "date": "2027-03-29",
        "time": "10:00",
        "duration_minutes": 45,
        "notify": "remind_only",
    },
    request_only=True,
)
RESULT_EXAMPLE = OpenApiExample(
    "Rendez-vous",
    value={
        "id": 987,
        "person": 42,
        "appointment_type": 3,
        "place": 5,
        "agenda": 7,
        "slot": 1234,
        "starts_at": "2027-03-29T10:00:00+02:00",
        "ends_at": "2027-03-29T10:30:00+02:00",
        "duration_minutes": 30,
        "state": "booked",
        "notify": "notify_and_remind",
        "case_numbers": "2027/123",
        "assigned_agent": None,
        "replaces": None,
        "event_ids": [5501],
    },
    response_only=True,
)
APPOINTMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Identifiant du rendez-vous."
)


# --- appointments: views -----------------------------------------------------------------------
class AppointmentWriteMixin:
    """Book (POST rendez-vous/), reschedule, cancel and record an outcome."""

    action_permissions = {
        "create": Action.BOOK,
        "reschedule": Action.RECORD_OUTCOME,
        "cancel": Action.RECORD_OUTCOME,
        "record_outcome": Action.RECORD_OUTCOME,
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        merged = {}
        for base in reversed(cls.__mro__):
            merged.update(base.__dict__.get("action_permissions", {}))
        cls.action_permissions = merged

    def _write_context(self, **extra):
        return {"request": self.request, "view": self, **extra}

    def _appointment(self, pk) -> Appointment:
        appointment = None
        if str(pk).isdigit():
            appointment = (
                Appointment.objects.select_related("person", "appointment_type", "place", "agenda")
                .filter(pk=pk)
                .first()
            )
        if appointment is None:
            raise exceptions.NotFound()
        return appointment

    @extend_schema(
        operation_id="rendez_vous_create",
        summary="Convoquer une personne (réserver un rendez-vous)",
        description=(
            "Les mêmes règles que la page de convocation : un type que votre rôle réserve, un "
            "lieu qui le propose, un créneau libre de cet agenda (ou, pour un type sans créneau, "
            "une date et une heure à venir). Avec l'en-tête « Idempotency-Key », une réservation "
            "renvoyée (coupure réseau) n'est jamais faite deux fois."
        ),
        request=BookingSerializer,
        parameters=[idempotency.PARAMETER],
        responses={201: AppointmentResultSerializer, **error_responses(400, 409, 422)},
        examples=[BOOK_EXAMPLE, FREE_TIME_EXAMPLE, RESULT_EXAMPLE],
        tags=["Rendez-vous"],
    )
    def create(self, request, *args, **kwargs):
        return idempotency.guarded(request, lambda: self._book(request))

    def _book(self, request) -> Response:
        serializer = BookingSerializer(data=request.data, context=self._write_context())
        serializer.is_valid(raise_exception=True)
        try:
            appointment = book(serializer.booking_request(), acting_user=request.user)
        except BookingError as error:
            raise _refusal(error) from error
        return Response(_result(appointment.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="rendez_vous_report",
        summary="Reporter un rendez-vous",
        description=(
            "Réserve le nouveau rendez-vous et annule l'ancien en une seule fois (comme le bouton "
            "« Reporter ») : un rendez-vous planifié, manqué ou excusé, pas encore reporté. Le "
            "type, le lieu et l'agenda sont par défaut ceux de l'ancien. Réponse : le nouveau "
            "rendez-vous (« replaces » : l'ancien)."
        ),
        request=RescheduleSerializer,
        parameters=[APPOINTMENT_ID, idempotency.PARAMETER],
        responses={
            201: AppointmentResultSerializer,
            **error_responses(400, 404, 409, 422),
        },
        tags=["Rendez-vous"],
    )
    @action(detail=True, methods=["post"], url_path="report")
    def reschedule(self, request, pk=None):
        return idempotency.guarded(request, lambda: self._reschedule(request, pk))

    def _reschedule(self, request, pk) -> Response:
        old = self._appointment(pk)
        defaults = {
            "appointment_type": old.appointment_type,
            "place": old.place,
            "agenda": old.agenda,
            "case_numbers": old.case_numbers,
        }
        if isinstance(request.data, dict) and "place" in request.data:
            del defaults["agenda"]  # another place: its agenda is chosen anew
        serializer = RescheduleSerializer(
            data=request.data, context=self._write_context(defaults=defaults)
        )
        serializer.is_valid(raise_exception=True)
        try:
            new = reschedule(
                old.pk, serializer.booking_request(person=old.person), acting_user=request.user
            )
        except (BookingError, TransitionError) as error:
            raise _refusal(error) from error
        return Response(_result(new.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="rendez_vous_annulation",
        summary="Annuler un rendez-vous",
        description=(
            "Un rendez-vous planifié et pas encore passé ; par défaut la personne est prévenue "
            "par SMS (« notify »)."
        ),
        request=CancelSerializer,
        parameters=[APPOINTMENT_ID, idempotency.PARAMETER],
        responses={200: AppointmentResultSerializer, **error_responses(400, 404, 409, 422)},
        examples=[
            OpenApiExample(
                "Annuler et prévenir", value={"reason": "Audience déplacée", "notify": True}
            )
        ],
        tags=["Rendez-vous"],
    )
    @action(detail=True, methods=["post"], url_path="annulation")
    def cancel(self, request, pk=None):
        return self._transition(
            pk, CancelSerializer, lambda data: (EventKind.CANCELLED, data["notify"])
        )

    @extend_schema(
        operation_id="rendez_vous_issue",
        summary="Renseigner l'issue d'un rendez-vous",
        description=(
            "Honoré ou manqué une fois l'heure passée ; excusé avant l'heure, ou après une "
            "absence pas encore reportée. Aucun SMS n'est envoyé, comme sur les pages."
        ),
        request=OutcomeSerializer,
        parameters=[APPOINTMENT_ID, idempotency.PARAMETER],
        responses={200: AppointmentResultSerializer, **error_responses(400, 404, 409, 422)},
        examples=[OpenApiExample("Honoré", value={"outcome": "fulfilled"}, request_only=True)],
        tags=["Rendez-vous"],
    )
    @action(detail=True, methods=["post"], url_path="issue")
    def record_outcome(self, request, pk=None):
        # No SMS choice for an outcome, as on the pages.
        return self._transition(pk, OutcomeSerializer, lambda data: (data["outcome"], False))

    def _transition(self, pk, serializer_class, kind_and_notify) -> Response:
        """Validate the body with ``serializer_class``, then change the state of appointment
        ``pk`` to what ``kind_and_notify(validated data)`` says, with its ``reason``;
        idempotent with an Idempotency-Key."""
        request = self.request

        def work() -> Response:
            appointment = self._appointment(pk)
            serializer = serializer_class(data=request.data, context=self._write_context())
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            kind, notify = kind_and_notify(data)
            try:
                change_state(
                    appointment.pk,
                    kind,
                    acting_user=request.user,
                    notify=notify,
                    reason=data["reason"],
                )
            except TransitionError as error:
                raise _refusal(error) from error
            return Response(_result(appointment.pk))

        return idempotency.guarded(request, work)
