"""API resources of the scheduling app, read side (issue 20): the appointments (list by local day,
agenda, agent, person, state, period; one appointment with its events) and the changes feed (the
appointment events since a cursor, for systems that mirror the agenda). Mounted by
saas_platform/urls_api.py; the writes (booking, transitions) live in api_writes.py.

Every page runs a fixed number of queries whatever its length: the related rows come in the same
query (select_related), the events of one appointment in one more (prefetch), and the feed reads
plain values."""

import base64
import binascii
from datetime import UTC, datetime, timedelta

from django import forms
from django.db import connection
from django.db.models import BooleanField, Prefetch
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.utils.urls import replace_query_param

from jurisdiction_apps.core.api import AgentField
from jurisdiction_apps.core.history import user_label
from tenants.api.pagination import Cursor
from tenants.api.permissions import ActionPermission
from tenants.api.schema import error_responses
from tenants.permissions import Action

from .constants import AppointmentState, EventKind
from .models import Appointment, AppointmentEvent
from .queries import local_day_bounds

# --- query parameters ---------------------------------------------------------------------------
OFFSET_EXAMPLE = "2026-03-29T09:00:00+02:00"
OUT_OF_RANGE = "Date hors des limites acceptées."


class OffsetDateTimeField(forms.DateTimeField):
    """An ISO 8601 date and time that must carry its offset (or Z): a bare local time is
    ambiguous on the days clocks change, and the API never guesses a zone."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            parsed = value
        else:
            try:
                parsed = datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise forms.ValidationError(
                    f"Date et heure invalides : format ISO 8601 attendu, par exemple "
                    f"{OFFSET_EXAMPLE}.",
                    code="invalid",
                ) from None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise forms.ValidationError(
                f"Décalage horaire manquant : précisez-le, par exemple {OFFSET_EXAMPLE} "
                "ou 2026-03-29T07:00:00Z.",
                code="offset_missing",
            )
        try:
            parsed.astimezone(UTC)  # the database compares in UTC: year 1 or 9999 may not fit
        except OverflowError:
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range") from None
        return parsed


class OffsetDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = OffsetDateTimeField


class AppointmentFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start >= end:
            raise forms.ValidationError(
                {"end": "La fin de la période doit être après son début."}, code="invalid"
            )
        return cleaned


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


def _id_filter(field_name: str, help_text: str):
    return IdFilter(
        field_name=field_name,
        help_text=help_text,
        min_value=1,
        error_messages={"invalid": "Identifiant invalide : un nombre entier est attendu."},
    )


class AppointmentFilter(filters.FilterSet):
    date = filters.DateFilter(
        method="on_local_day",
        help_text=(
            "Jour local (AAAA-MM-JJ) dans le fuseau de la juridiction : les rendez-vous qui "
            "commencent ce jour-là, comme la page agenda (23 ou 25 heures les jours de "
            "changement d'heure)."
        ),
        error_messages={"invalid": "Date invalide : format AAAA-MM-JJ attendu."},
    )
    agenda = _id_filter("agenda_id", "Identifiant de l'agenda.")
    agent = _id_filter("assigned_agent_id", "Identifiant de l'agent qui tient le rendez-vous.")
    person = _id_filter("person_id", "Identifiant de la personne convoquée.")
    state = filters.ChoiceFilter(
        choices=AppointmentState.choices,
        help_text="Statut du rendez-vous.",
        error_messages={"invalid_choice": "Statut inconnu : %(value)s."},
    )
    start = OffsetDateTimeFilter(
        field_name="starts_at",
        lookup_expr="gte",
        help_text=(
            "Début de la période (inclus), ISO 8601 avec décalage, par exemple "
            f"{OFFSET_EXAMPLE} ; sans décalage : erreur 400."
        ),
    )
    end = OffsetDateTimeFilter(
        field_name="starts_at",
        lookup_expr="lt",
        help_text="Fin de la période (exclue), ISO 8601 avec décalage.",
    )

    class Meta:
        model = Appointment
        fields = ["date", "agenda", "agent", "person", "state", "start", "end"]
        form = AppointmentFilterForm

    def on_local_day(self, queryset, name, value):
        try:
            start, end = local_day_bounds(value, self.request.tenant.zone)
            start.astimezone(UTC), end.astimezone(UTC)
        except OverflowError:
            raise serializers.ValidationError({"date": [OUT_OF_RANGE]}) from None
        return queryset.between(start, end)


# --- serializers ----------------------------------------------------------------------------------
class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant de la personne.")
    last_name = serializers.CharField(help_text="Nom.")
    first_names = serializers.CharField(help_text="Prénoms.")


class TypeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant du type de rendez-vous.")
    code = serializers.CharField(help_text="Code national du type.")
    label = serializers.CharField(help_text="Libellé du type.")


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant.")
    name = serializers.CharField(help_text="Nom.")


class AppointmentSerializer(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(
        help_text="Début, ISO 8601 avec le décalage du fuseau de la juridiction."
    )
    ends_at = serializers.SerializerMethodField(help_text="Fin, ISO 8601 avec décalage.")
    state = serializers.ChoiceField(choices=AppointmentState.choices, help_text="Statut.")
    person = PersonRefSerializer(help_text="La personne convoquée.")
    appointment_type = TypeRefSerializer(help_text="Type de rendez-vous.")
    place = NamedRefSerializer(help_text="Lieu.")
    agenda = NamedRefSerializer(allow_null=True, help_text="Agenda (absent hors agenda).")
    agent = AgentField(
        source="assigned_agent", allow_null=True, help_text="Agent qui tient le rendez-vous."
    )
    replaces = serializers.IntegerField(
        source="replaces_id", allow_null=True, help_text="Rendez-vous que celui-ci remplace."
    )

    class Meta:
        model = Appointment
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "state",
            "notify_mode",
            "case_numbers",
            "person",
            "appointment_type",
            "place",
            "agenda",
            "agent",
            "replaces",
            "state_changed_at",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Identifiant du rendez-vous."},
            "duration_minutes": {"help_text": "Durée en minutes."},
            "notify_mode": {"help_text": "Choix des SMS fait à la convocation."},
            "case_numbers": {"help_text": "Numéros de parquet."},
            "state_changed_at": {"help_text": "Dernier changement de statut (ISO 8601)."},
            "created_at": {"help_text": "Création (ISO 8601)."},
        }

    @extend_schema_field(serializers.DateTimeField())
    def get_ends_at(self, appointment):
        ends = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
        return serializers.DateTimeField().to_representation(ends)


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, help_text="Ce qui s'est passé.")
    state = serializers.ChoiceField(
        source="to_state", choices=AppointmentState.choices, help_text="Statut après l'événement."
    )
    by = serializers.SerializerMethodField(
        help_text="Nom affiché de l'agent qui a agi (absent : la personne ou le système)."
    )
    reason = serializers.SerializerMethodField(help_text="Motif saisi, le cas échéant.")

    class Meta:
        model = AppointmentEvent
        fields = ["id", "kind", "at", "state", "by", "reason"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Identifiant de l'événement."},
            "at": {"help_text": "Moment de l'événement, ISO 8601 avec décalage."},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by(self, event):
        return user_label(event.actor) if event.actor_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reason(self, event):
        return (event.details or {}).get("reason") or None


class AppointmentDetailSerializer(AppointmentSerializer):
    events = EventSerializer(
        source="history", many=True, help_text="Historique du rendez-vous, du plus ancien."
    )

    class Meta(AppointmentSerializer.Meta):
        fields = [*AppointmentSerializer.Meta.fields, "events"]
        read_only_fields = fields


class ChangeListSerializer(serializers.ListSerializer):
    """A page of the feed, row by row without a field object per value (1,000 rows a page)."""

    def to_representation(self, rows):
        zone = timezone.get_current_timezone()
        return [
            {
                "id": row["id"],
                "appointment": row["appointment_id"],
                "person": row["person_id"],
                "kind": row["kind"],
                "at": row["at"].astimezone(zone).isoformat(),
                "state": row["to_state"],
                "starts_at": row["appointment__starts_at"].astimezone(zone).isoformat(),
            }
            for row in rows
        ]


# One event of the feed (its schema); pages are written by ChangeListSerializer from values()
# rows, no model instances. (No docstring: it would be the schema's English description.)
class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Identifiant de l'événement.")
    appointment = serializers.IntegerField(help_text="Identifiant du rendez-vous.")
    person = serializers.IntegerField(help_text="Identifiant de la personne.")
    kind = serializers.ChoiceField(choices=EventKind.choices, help_text="Ce qui s'est passé.")
    at = serializers.DateTimeField(help_text="Moment de l'événement, ISO 8601 avec décalage.")
    state = serializers.ChoiceField(
        choices=AppointmentState.choices, help_text="Statut du rendez-vous après l'événement."
    )
    starts_at = serializers.DateTimeField(
        help_text="Début du rendez-vous (tel qu'il est aujourd'hui), ISO 8601 avec décalage."
    )

    class Meta:
        list_serializer_class = ChangeListSerializer


# --- pagination -----------------------------------------------------------------------------------
class AgendaCursor(Cursor):
    ordering = ("starts_at", "pk")


class FeedCursor(Cursor):
    """The feed's keyset over (txid, id): the writing transaction's id, then the event's.

    A plain id order skips events: ids are drawn when a row is inserted, not when it commits, so
    an event whose transaction commits after a later id was served would fall behind the client's
    cursor for ever. Here an event is served only once every transaction that began writing
    before its own has ended (``txid`` below the snapshot's ``xmin``): whatever commits later has
    a larger txid than anything served, hence lies after the cursor. The price is a delay of the
    longest open write transaction (a few milliseconds; an import's duration at worst).

    Unlike a list, the last page still has a ``next`` link: the position after its last event
    (or the same cursor when the page is empty), which the client stores and polls to get what
    happens next. The feed only goes forward: no ``previous`` link."""

    page_size = 1000
    ordering = ("txid", "id")
    horizon = RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", ())

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.after = self._position(request)
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        queryset = queryset.filter(txid__lt=self.horizon)
        if self.after != (0, 0):  # a row comparison: one range scan of (txid, id)
            queryset = queryset.filter(
                RawSQL(f"({table}.txid, {table}.id) > (%s, %s)", self.after, BooleanField())
            )
        rows = list(queryset.order_by("txid", "id")[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        return self.page

    def _position(self, request) -> tuple[int, int]:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return (0, 0)  # from the beginning
        try:
            txid, _, event = base64.b64decode(encoded.encode("ascii"), validate=True).partition(
                b"."
            )
            position = (int(txid), int(event))
        except (ValueError, binascii.Error) as error:
            raise self._invalid() from error
        if not all(0 <= value < 2**63 for value in position):
            raise self._invalid()
        return position

    def _link(self, position: tuple[int, int]) -> str:
        token = base64.b64encode(f"{position[0]}.{position[1]}".encode("ascii")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def get_next_link(self):
        if self.page:
            return self._link((self.page[-1]["txid"], self.page[-1]["id"]))
        return self._link(self.after)  # nothing new yet: poll the same place

    def get_previous_link(self):
        return None


# --- views ----------------------------------------------------------------------------------------
LIST_DESCRIPTION = (
    "Les rendez-vous de la juridiction, par début puis identifiant, pagination par curseur "
    "(suivre le lien « next »). Filtres combinables : jour local (`date`), agenda, agent, "
    "personne, statut, période (`start`/`end`, ISO 8601 avec décalage). Un datetime sans "
    "décalage, une date invalide ou un identifiant qui n'est pas un nombre : erreur 400."
)


# What the serializers read, no more (person, type, place, agenda and agent are joined).
LIST_COLUMNS = (
    *(
        field.attname
        for field in Appointment._meta.concrete_fields
        if field.name not in {"slot", "booked_by"}
    ),
    "person__id",
    "person__last_name",
    "person__first_names",
    "appointment_type__id",
    "appointment_type__code",
    "appointment_type__label",
    "place__id",
    "place__name",
    "agenda__id",
    "agenda__name",
    "assigned_agent__id",
    "assigned_agent__first_name",
    "assigned_agent__last_name",
    "assigned_agent__email",
)


@extend_schema_view(
    list=extend_schema(
        summary="Lister les rendez-vous",
        description=LIST_DESCRIPTION,
        responses={200: AppointmentSerializer(many=True), **error_responses(400)},
        tags=["rendez-vous"],
    ),
    retrieve=extend_schema(
        summary="Lire un rendez-vous et son historique",
        description=(
            "Le rendez-vous et ses événements (type, moment, agent qui a agi — son nom affiché "
            "seulement —, motif). Un rendez-vous d'une autre juridiction n'existe pas ici : 404."
        ),
        responses={200: AppointmentDetailSerializer, **error_responses(404)},
        tags=["rendez-vous"],
    ),
)
class AppointmentReadViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [ActionPermission]
    action_permissions = {"list": Action.VIEW_PEOPLE, "retrieve": Action.VIEW_PEOPLE}
    pagination_class = AgendaCursor
    filter_backends = [filters.DjangoFilterBackend]  # the order is fixed: (starts_at, pk)
    filterset_class = AppointmentFilter
    ordering = ("starts_at", "pk")

    def get_queryset(self):
        queryset = (
            Appointment.objects.select_related(
                "person", "appointment_type", "place", "agenda", "assigned_agent"
            )
            .only(*LIST_COLUMNS)  # the related rows are wide (a person, an account)
            .order_by("starts_at", "pk")
        )
        if self.action == "retrieve":
            events = AppointmentEvent.objects.select_related("actor").order_by("at", "pk")
            queryset = queryset.prefetch_related(Prefetch("history", queryset=events))
        return queryset

    def get_serializer_class(self):
        return AppointmentDetailSerializer if self.action == "retrieve" else AppointmentSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Flux des changements des rendez-vous",
        description=(
            "Les événements des rendez-vous (planifié, honoré, manqué, excusé, annulé, reporté, "
            "statut annulé) dans l'ordre où ils ont été enregistrés, pour les systèmes qui "
            "tiennent une copie de l'agenda. Première lecture sans curseur : depuis le début. Le "
            "client garde le lien « next » de chaque page (il est présent même sur la dernière "
            "page) et l'interroge ensuite régulièrement : il reçoit les événements arrivés depuis, "
            "sans perte ni doublon, y compris ceux d'une opération qui s'est terminée après une "
            "autre plus récente (un événement n'est servi qu'une fois terminées toutes les "
            "opérations commencées avant lui). Les identifiants ne sont donc pas toujours "
            "croissants d'une page à l'autre. Jusqu'à 1 000 événements par page (`page_size`, "
            "1 000 par défaut). Curseur mal formé ou taille de page hors limites : erreur 400."
        ),
        responses={200: ChangeSerializer(many=True), **error_responses(400)},
        tags=["changements"],
    ),
)
class ChangesFeedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    action_permissions = {"list": Action.VIEW_PEOPLE}
    pagination_class = FeedCursor
    filter_backends: list = []
    serializer_class = ChangeSerializer
    ordering = ("txid", "id")

    def get_queryset(self):
        return AppointmentEvent.objects.values(
            "id",
            "txid",
            "appointment_id",
            "person_id",
            "kind",
            "at",
            "to_state",
            "appointment__starts_at",
        )
