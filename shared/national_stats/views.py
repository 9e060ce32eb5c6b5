"""The national console's statistics (public host, national team) and a jurisdiction's own
figures beside the national average (its host, managers)."""

import csv
import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from shared.accounts.constants import NationalRole
from tenants.permissions import Action, action_required

from .constants import SMALL_NUMBER
from .export import csv_rows
from .forms import StatisticsFilterForm, day_label, default_period, month_label, months_of
from .models import Refresh
from .presentation import (
    attendance_explanation,
    cell_row,
    chart_data,
    go_live_rows,
    monthly_rows,
    scope_rows,
    sms_explanation,
)
from .queries import Filters, cached_dashboard, figures_version, portal_use, went_live_month

logger = logging.getLogger(__name__)


def _national_team(request):
    if request.user.national_role != NationalRole.NATIONAL_TEAM:
        raise PermissionDenied


@require_safe
@login_required
def national(request):
    _national_team(request)
    form = StatisticsFilterForm(request.GET or None)
    context = {"form": form, "small_number": SMALL_NUMBER}
    if request.GET and not form.is_valid():
        return render(request, "statistics/national.html", context, status=400)
    if not request.GET:
        form = StatisticsFilterForm(default_period())
        form.is_valid()
        context["form"] = form
    filters = form.filters()
    version = figures_version()
    key = f"national_stats:page:v2:{version}:{request.get_full_path()}"
    try:
        figures_html = cache.get(key)
    except Exception:  # Redis down: rendered each time
        logger.warning("statistics cache unavailable", exc_info=True)
        figures_html = None
    if figures_html is None:
        figures_html = _render_figures(request, filters, version, context)
        try:
            cache.set(key, figures_html, timeout=6 * 3600)
        except Exception:
            logger.warning("statistics cache unavailable", exc_info=True)
    context.update(
        figures_html=mark_safe(figures_html),  # our own template's output, rendered below
        export_query=request.GET.urlencode(),
        last_refresh=Refresh.objects.order_by("-refreshed_at").first(),
    )
    return render(request, "statistics/national.html", context)


def _render_figures(request, filters, version, context) -> str:
    """The figures of the console: computed and rendered once per refresh of the figures. Every
    figure (tiles, charts, tables) comes from the same dashboard and follows the filters."""
    board = cached_dashboard(filters, months_of(filters), version)
    rows = scope_rows(board)
    figures = {
        **context,
        "board": board,
        "scope_name": board.filters.jurisdiction.name if board.filters.jurisdiction else None,
        "rows": rows,
        "type_label": dict(context["form"].fields["type"].choices).get(filters.appointment_type),
        "total": cell_row(board.scope_total, hide=True),
        "jurisdiction_rows": [
            {"jurisdiction": j, **cell_row(cell, hide=True)}
            for j, cell in board.scope_jurisdictions
        ],
        "go_live": go_live_rows(board),
        "chart": chart_data(board),
        "sms_explanation": sms_explanation(board, rows),
        "attendance_explanation": attendance_explanation(rows),
        "export_query": request.GET.urlencode(),
        "portal_rows": [
            {"label": month_label(row["month"]), **row}
            for row in portal_use(filters, months_of(filters))
        ],
    }
    return render_to_string("statistics/_national_figures.html", figures, request)


class _Echo:
    def write(self, value):
        return value


@require_safe
@login_required
def export(request):
    _national_team(request)
    form = StatisticsFilterForm(request.GET)
    grain = request.GET.get("grain", "mois")
    if grain not in ("mois", "jour"):
        return HttpResponse(
            "Grain inconnu : choisissez « mois » ou « jour ».",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if not form.is_valid():
        messages = [error for errors in form.errors.values() for error in errors]
        return HttpResponse(
            "\n".join(messages), status=400, content_type="text/plain; charset=utf-8"
        )
    writer = csv.writer(_Echo(), delimiter=";")
    filters = form.filters()
    rows = (writer.writerow(row) for row in csv_rows(filters, grain))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    name = f"statistiques-{filters.first_month:%Y-%m}-{filters.last_month:%Y-%m}-{grain}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@action_required(Action.VIEW_STATISTICS)
def jurisdiction(request):
    """Own figures (not hidden: the jurisdiction's own agents) beside the national average."""
    form = StatisticsFilterForm(request.GET or default_period(), jurisdiction_choice=False)
    if not form.is_valid():
        return render(request, "statistics/jurisdiction.html", {"form": form}, status=400)
    mine = connection.tenant
    data = form.filters()
    filters = Filters(data.first_month, data.last_month, mine, data.appointment_type)
    board = cached_dashboard(filters, months_of(filters), figures_version())
    own = monthly_rows(board.months, board.selected, hide=False)
    national = monthly_rows(board.months, board.national, hide=True)
    own_total = next((cell for j, cell in board.jurisdictions if j.pk == mine.pk), None)
    return render(
        request,
        "statistics/jurisdiction.html",
        {
            "form": form,
            "rows": list(zip(own, national, strict=True)),
            "own_total": cell_row(own_total, hide=False) if own_total else None,
            "national_total": cell_row(board.national_total, hide=True),
            "chart": chart_data(board, national_label="Moyenne nationale"),
            "small_number": SMALL_NUMBER,
            "live_month": went_live_month(mine),
            "live_day": (
                day_label(timezone.localdate(mine.went_live_at, mine.zone))
                if mine.went_live_at
                else None
            ),
        },
    )
