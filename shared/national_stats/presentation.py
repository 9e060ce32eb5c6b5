"""Dashboard figures turned into what the templates and charts show, small numbers hidden."""

from .constants import SMALL_NUMBER
from .forms import month_label
from .queries import Cell, Dashboard


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
    }


def monthly_rows(months, cells: dict, *, hide: bool) -> list[dict]:
    return [
        {"month": month, "label": month_label(month), **cell_row(cells[month], hide=hide)}
        for month in months
    ]


def chart_data(board: Dashboard, *, national_label="France entière") -> dict:
    national = monthly_rows(board.months, board.national, hide=True)
    series = [{"label": national_label, "attendance": [r["attendance"] for r in national]}]
    delivery = [{"label": national_label, "delivery": [r["delivery"] for r in national]}]
    if board.selected is not None:
        mine = monthly_rows(board.months, board.selected, hide=True)
        name = board.filters.jurisdiction.name
        series.append({"label": name, "attendance": [r["attendance"] for r in mine]})
        delivery.append({"label": name, "delivery": [r["delivery"] for r in mine]})
    return {
        "months": [month_label(m) for m in board.months],
        "attendance": series,
        "delivery": delivery,
        "sent": [r["sms"]["sent"] for r in national],
        "go_live": {
            "labels": [g["jurisdiction"].name for g in board.go_live],
            "before": [g["before"]["attendance"] for g in go_live_rows(board)],
            "after": [g["after"]["attendance"] for g in go_live_rows(board)],
        },
    }


def go_live_rows(board: Dashboard) -> list[dict]:
    return [
        {
            "jurisdiction": g["jurisdiction"],
            "went_live": month_label(g["went_live"]),
            "before": cell_row(g["before"], hide=True),
            "after": cell_row(g["after"], hide=True),
        }
        for g in board.go_live
    ]
