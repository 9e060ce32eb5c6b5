"""Dashboard figures turned into what the templates and charts show, small numbers hidden, and
the words that explain a gap (no SMS before going live, no data yet, a missing "after" bar)."""

from datetime import date

from django.utils import timezone

from .constants import SMALL_NUMBER
from .forms import day_label, month_label
from .queries import Cell, Dashboard, went_live_month

NO_DATA = "Pas encore de données"
NO_DATA_PERIOD = "Pas encore de données pour cette période."
BEFORE_GO_LIVE = "Avant la mise en service"
NO_AFTER = "pas encore de données après la mise en service"
NO_BEFORE = "pas de données avant la mise en service sur cette période"
HIDDEN = "< 10 pers."


def _figure(value, hidden: bool):
    return None if hidden else value


def cell_row(cell: Cell, *, hide: bool) -> dict:
    """One row of a table: counts and rates, or None where the small-number rule hides them."""
    hidden = hide and cell.hidden()
    return {
        "hidden": hidden,
        "counts": {key: _figure(value, hidden) for key, value in cell.counts.items()},
        "sms": {
            key: _figure(value, hide and cell.delivery_hidden()) for key, value in cell.sms.items()
        },
        "attendance": _figure(cell.attendance, hide and cell.attendance_hidden()),
        "delivery": _figure(cell.delivery, hide and cell.delivery_hidden()),
        "median_delay": _figure(cell.median_delay, hidden),
        "followed": _figure(cell.followed, hide and 0 < (cell.followed or 0) < SMALL_NUMBER),
        "attendance_hidden": hide and cell.attendance_hidden(),
        "delivery_hidden": hide and cell.delivery_hidden(),
        "has_outcomes": bool(cell.counts["fulfilled"] + cell.counts["missed"]),
        "has_sms": bool(cell.sms["sent"]),
    }


def monthly_rows(months, cells: dict, *, hide: bool) -> list[dict]:
    return [
        {"month": month, "label": month_label(month), **cell_row(cells[month], hide=hide)}
        for month in months
    ]


def _live_day(board: Dashboard) -> date | None:
    """The chosen jurisdiction's local day of going live (None: national, or not live)."""
    jurisdiction = board.filters.jurisdiction
    if jurisdiction is None or jurisdiction.went_live_at is None:
        return None
    return timezone.localdate(jurisdiction.went_live_at, jurisdiction.zone)


def scope_rows(board: Dashboard) -> list[dict]:
    """The page's own monthly figures (the chosen jurisdiction's, or national), each month with
    the national figures beside it, its go-live mark and, for an empty month, why it is empty."""
    rows = monthly_rows(board.months, board.scope, hide=True)
    national = monthly_rows(board.months, board.national, hide=True)
    live = went_live_month(board.filters.jurisdiction) if board.filters.jurisdiction else None
    for row, country in zip(rows, national, strict=True):
        row["national"] = country
        went = board.went_live.get(row["month"], [])
        row["went_live"] = _went_live_text(board, went)
        before = live is None or row["month"] < live
        chosen = board.filters.jurisdiction is not None
        gap = BEFORE_GO_LIVE if chosen and before else NO_DATA
        row["sms_gap"] = None if row["has_sms"] or row["delivery_hidden"] else gap
        row["attendance_gap"] = None if row["has_outcomes"] or row["attendance_hidden"] else NO_DATA
    return rows


def _went_live_text(board: Dashboard, went: list) -> str:
    if not went:
        return ""
    if board.filters.jurisdiction is not None:
        return f"Mise en service le {day_label(_live_day(board))}"
    if len(went) == 1:
        return f"1 mise en service ({went[0].name})"
    return f"{len(went)} mises en service ({', '.join(j.name for j in went)})"


def sms_explanation(board: Dashboard, rows: list[dict]) -> str:
    """Why the SMS series has empty months, in words (empty string: nothing missing)."""
    empty = [row for row in rows if row["sms_gap"]]
    if not empty:
        return ""
    jurisdiction = board.filters.jurisdiction
    live_day = _live_day(board)
    if jurisdiction is not None:
        if live_day is None:
            return f"Aucun SMS envoyé : {jurisdiction.name} n’est pas encore en service."
        parts = []
        if any(row["sms_gap"] == BEFORE_GO_LIVE for row in empty):
            parts.append(f"Aucun SMS envoyé avant la mise en service le {day_label(live_day)}")
        later = [row["label"] for row in empty if row["sms_gap"] == NO_DATA]
        if later and len(later) == len(rows):
            return NO_DATA_PERIOD
        if later:
            parts.append(f"pas encore de données en {', '.join(later)}")
        text = " ; ".join(parts)
        return text[0].upper() + text[1:] + "."
    if len(empty) == len(rows):
        return NO_DATA_PERIOD
    first_sent = next(row for row in rows if not row["sms_gap"])
    if all(row["month"] < first_sent["month"] for row in empty):
        return (
            f"Aucun SMS envoyé avant {first_sent['label']} : aucune juridiction n’envoyait "
            "encore de SMS sur cette période."
        )
    return f"{NO_DATA} en {', '.join(row['label'] for row in empty)}."


def attendance_explanation(rows: list[dict]) -> str:
    if all(row["attendance_gap"] for row in rows):
        return NO_DATA_PERIOD
    return ""


def chart_data(board: Dashboard, *, national_label="France entière") -> dict:
    national = monthly_rows(board.months, board.national, hide=True)
    series = [{"label": national_label, "attendance": [r["attendance"] for r in national]}]
    delivery = [{"label": national_label, "delivery": [r["delivery"] for r in national]}]
    rows = scope_rows(board)
    if board.selected is not None:
        name = board.filters.jurisdiction.name
        # The chosen jurisdiction first: its figures are the page's.
        series.insert(0, {"label": name, "attendance": [r["attendance"] for r in rows]})
        delivery.insert(0, {"label": name, "delivery": [r["delivery"] for r in rows]})
    go_live = go_live_rows(board)
    return {
        "months": [month_label(m) for m in board.months],
        "attendance": series,
        "delivery": delivery,
        "sent": [r["sms"]["sent"] for r in rows],
        # Months marked on the monthly charts: where one (or several) went live.
        "marks": [
            {"index": index, "label": _mark_label(board, row)}
            for index, row in enumerate(rows)
            if row["went_live"]
        ],
        "go_live": {
            "labels": [g["jurisdiction"].name for g in board.go_live],
            "before": [g["before"]["attendance"] for g in go_live],
            "after": [g["after"]["attendance"] for g in go_live],
            "before_notes": [g["before_note"] for g in go_live],
            "after_notes": [g["after_note"] for g in go_live],
        },
    }


def _mark_label(board: Dashboard, row: dict) -> str:
    if board.filters.jurisdiction is not None:
        return "Mise en service"
    count = len(board.went_live[row["month"]])
    return "1 mise en service" if count == 1 else f"{count} mises en service"


def go_live_rows(board: Dashboard) -> list[dict]:
    rows = []
    for g in board.go_live:
        before, after = cell_row(g["before"], hide=True), cell_row(g["after"], hide=True)
        rows.append(
            {
                "jurisdiction": g["jurisdiction"],
                "went_live": month_label(g["went_live"]),
                "before": before,
                "after": after,
                "before_note": _bar_note(before, NO_BEFORE),
                "after_note": _bar_note(after, NO_AFTER),
            }
        )
    return rows


def _bar_note(row: dict, missing: str) -> str | None:
    """The words in place of a bar that is not drawn (None: the bar is there)."""
    if row["attendance"] is not None:
        return None
    return HIDDEN if row["attendance_hidden"] else missing
