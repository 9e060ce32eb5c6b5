"""The published statistics in the national read-only API (public host, /api/v1/statistiques/):
the console's figures (the same dashboard, queries.py) with the console's small-number rule
(presentation.cell_row, hide=True): a figure resting on fewer than SMALL_NUMBER people is null
and flagged hidden. Counts only: no person, no identifier of a person."""

from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from tenants.api.public import PublicAPIMixin

from .constants import SMALL_NUMBER
from .forms import StatisticsFilterForm, months_of
from .presentation import cell_row
from .queries import APPOINTMENT_COUNTS, MESSAGE_COUNTS, cached_dashboard, figures_version

# The API's parameters (English, as everywhere in the API) -> the console form's fields.
PARAMETERS = {
    "first_month": "du",
    "last_month": "au",
    "jurisdiction": "juridiction",
    "appointment_type": "type",
}


def _counts(names, help_text):
    return serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text=help_text + " Clés : " + ", ".join(names) + ". Null : masqué.",
    )


class FiguresSerializer(serializers.Serializer):
    hidden = serializers.BooleanField(
        help_text=f"Vrai : ces chiffres reposent sur moins de {SMALL_NUMBER} personnes et sont "
        "masqués (null)."
    )
    counts = _counts(APPOINTMENT_COUNTS, "Rendez-vous par état.")
    sms = _counts(MESSAGE_COUNTS, "SMS par état.")
    attendance = serializers.FloatField(
        allow_null=True, help_text="Taux de présence en % (honorés / honorés + manqués)."
    )
    attendance_hidden = serializers.BooleanField(help_text="Taux de présence masqué.")
    delivery = serializers.FloatField(allow_null=True, help_text="Taux de réception des SMS en %.")
    delivery_hidden = serializers.BooleanField(help_text="Chiffres des SMS masqués.")
    median_delay = serializers.IntegerField(
        allow_null=True, help_text="Délai médian de convocation, en jours."
    )
    followed = serializers.IntegerField(
        allow_null=True, help_text="Personnes suivies à la fin de la période."
    )


class MonthFiguresSerializer(FiguresSerializer):
    month = serializers.CharField(help_text="Le mois, AAAA-MM.")


class JurisdictionFiguresSerializer(FiguresSerializer):
    slug = serializers.CharField(help_text="Identifiant de la juridiction.")
    name = serializers.CharField(help_text="Nom de la juridiction.")


class StatisticsSerializer(serializers.Serializer):
    first_month = serializers.CharField(help_text="Premier mois de la période, AAAA-MM.")
    last_month = serializers.CharField(help_text="Dernier mois de la période, AAAA-MM.")
    jurisdiction = serializers.CharField(
        allow_null=True, help_text="La juridiction choisie (null : toutes)."
    )
    appointment_type = serializers.CharField(
        help_text="Le type de rendez-vous choisi (« * » : tous)."
    )
    small_number = serializers.IntegerField(
        help_text="Seuil de masquage : un chiffre reposant sur moins de personnes est masqué."
    )
    total = FiguresSerializer(help_text="La période entière.")
    months = MonthFiguresSerializer(many=True, help_text="Mois par mois.")
    jurisdictions = JurisdictionFiguresSerializer(many=True, help_text="Par juridiction.")


def _figures(cell) -> dict:
    row = cell_row(cell, hide=True)
    return {
        key: row[key]
        for key in (
            "hidden",
            "counts",
            "sms",
            "attendance",
            "attendance_hidden",
            "delivery",
            "delivery_hidden",
            "median_delay",
            "followed",
        )
    }


@extend_schema(
    tags=["statistiques"],
    summary="Statistiques nationales publiées",
    description=(
        "Les chiffres de la console nationale : rendez-vous, présence, SMS, délai de convocation, "
        "au total, mois par mois et par juridiction. Période par défaut : les douze derniers "
        f"mois. Un chiffre reposant sur moins de {SMALL_NUMBER} personnes est masqué (null, "
        "« hidden » vrai), comme dans la console. Données mises à jour à chaque calcul des "
        "statistiques (toutes les heures)."
    ),
    parameters=[
        OpenApiParameter("first_month", str, description="Premier mois, AAAA-MM (2026-01)."),
        OpenApiParameter(
            "last_month", str, description="Dernier mois, AAAA-MM (au plus le mois en cours)."
        ),
        OpenApiParameter("jurisdiction", str, description="Identifiant d'une juridiction."),
        OpenApiParameter(
            "appointment_type", str, description="Code national d'un type de rendez-vous."
        ),
    ],
    responses={200: StatisticsSerializer},
)
class StatisticsView(PublicAPIMixin, GenericAPIView):
    cache_prefix = "public_api:statistics"
    pagination_class = None
    filter_backends: list = []
    serializer_class = StatisticsSerializer

    def cache_version(self) -> str:
        return figures_version()

    def fresh(self, request, *args, **kwargs):
        form = self._form(request)
        filters = form.filters()
        board = cached_dashboard(filters, months_of(filters), figures_version())
        data = {
            "first_month": f"{filters.first_month:%Y-%m}",
            "last_month": f"{filters.last_month:%Y-%m}",
            "jurisdiction": filters.jurisdiction.slug if filters.jurisdiction else None,
            "appointment_type": filters.appointment_type,
            "small_number": SMALL_NUMBER,
            "total": _figures(board.scope_total),
            "months": [
                {"month": f"{month:%Y-%m}", **_figures(board.scope[month])}
                for month in board.months
            ],
            "jurisdictions": [
                {"slug": j.slug, "name": j.name, **_figures(cell)}
                for j, cell in board.scope_jurisdictions
            ],
        }
        return Response(StatisticsSerializer(data).data)

    def _form(self, request) -> StatisticsFilterForm:
        unknown = sorted(set(request.query_params) - set(PARAMETERS) - {"format"})
        if unknown:
            raise ValidationError({name: ["Paramètre inconnu."] for name in unknown})
        data = QueryDict(mutable=True)
        for name, field in PARAMETERS.items():
            value = request.query_params.get(name)
            if value is not None:
                data[field] = value
        form = StatisticsFilterForm(data)
        if not form.is_valid():
            names = {field: name for name, field in PARAMETERS.items()}
            raise ValidationError(
                {
                    names.get(field, "non_field_errors"): list(errors)
                    for field, errors in form.errors.items()
                }
            )
        return form
