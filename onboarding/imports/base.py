"""The engine shared by every kind of import: columns, row errors, the plan and its counts.

An importer maps the file's headers to its columns, validates each row into a ``PlannedRow``
(create, update, unchanged or skip) or ``RowError``s, and applies a plan in bulk. Agents and people
are the first kinds; appointments and places plug into the same engine.
"""

import contextlib
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from jurisdiction_apps.people.normalisation import search_key

from .reading import ReadError, Table, read_table


def rejected_lines(count: int) -> str:
    """ "1 ligne rejetée", "3 lignes rejetées"."""
    return f"{count} ligne rejetée" if count == 1 else f"{count} lignes rejetées"


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    REJECT = "reject"


STATUS_LABELS = {
    Action.CREATE: "à créer",
    Action.UPDATE: "à mettre à jour",
    Action.UNCHANGED: "inchangée",
    Action.SKIP: "ignorée",
    Action.REJECT: "rejetée",
}
APPLIED_LABELS = {
    Action.CREATE: "créée",
    Action.UPDATE: "mise à jour",
    Action.UNCHANGED: "inchangée",
    Action.SKIP: "ignorée",
    Action.REJECT: "rejetée",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the French header of the samples, used in messages
    aliases: tuple[str, ...] = ()
    required: bool = True

    def names(self) -> set[str]:
        return {search_key(self.label), search_key(self.key), *map(search_key, self.aliases)}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass(slots=True)
class PlannedRow:
    line: int
    action: str
    data: dict = field(default_factory=dict)
    reason: str = ""  # why a row is skipped
    existing_id: int | None = None


@dataclass
class Plan:
    kind: str
    total_rows: int = 0
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    encoding: str = ""
    delimiter: str = ""
    # Rows of people followed by another jurisdiction (issue 19): line → [(jurisdiction id,
    # person id there)], from the national index; counted in the preview.
    followed_elsewhere: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def rejected_lines(self) -> set[int]:
        return {error.line for error in self.errors}

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(
            [Action.CREATE, Action.UPDATE, Action.UNCHANGED, Action.SKIP, Action.REJECT], 0
        )
        for row in self.rows:
            counts[row.action] += 1
        counts[Action.REJECT] = len(self.rejected_lines)
        return counts

    @property
    def has_errors(self) -> bool:
        return bool(self.file_error or self.errors)

    def preview(self) -> dict:
        """What the preview page and the report show (JSON for ImportJob.preview)."""
        return {
            "counts": self.counts(),
            "total_rows": self.total_rows,
            "file_error": self.file_error,
            "errors": [[e.line, e.column, e.message] for e in self.errors],
            "skipped": [[r.line, r.reason] for r in self.rows if r.action == Action.SKIP],
            "followed_elsewhere": len(self.followed_elsewhere),
            # Remarks on rows that are imported (an ambiguous time, a phone not recorded...).
            "notes": [
                [r.line, r.reason] for r in self.rows if r.reason and r.action != Action.SKIP
            ],
        }

    def report_lines(self, applied: bool) -> list[list]:
        """[line, status, column, message] for every row, in file order."""
        labels = APPLIED_LABELS if applied else STATUS_LABELS
        lines = [[r.line, labels[r.action], "", r.reason] for r in self.rows]
        lines += [[e.line, labels[Action.REJECT], e.column, e.message] for e in self.errors]
        lines.sort(key=lambda item: item[0])
        if self.file_error:
            lines.insert(0, [0, labels[Action.REJECT], "", self.file_error])
        return lines


class Records:
    """The rows as (line, {column key: value}), built one at a time while ``plan_rows`` reads
    them: a list of 100,000 dicts beside the table would double the analysis' memory."""

    def __init__(self, rows: list, positions: dict[str, int]):
        self.rows, self.positions = rows, positions

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        positions = tuple(self.positions.items())
        for line, values in self.rows:
            width = len(values)
            yield line, {key: (values[index] if index < width else "") for key, index in positions}


class ImportRefused(Exception):
    """Apply asked on a plan with errors, without the valid-rows-only choice."""


class Importer:
    """Base class: subclasses set ``kind`` and ``columns`` and implement ``plan_rows``/``apply``."""

    kind = ""
    columns: tuple[Column, ...] = ()
    progress_every = 1000
    tenant_schema = True  # False: the import writes the public schema (accounts, memberships)

    def __init__(self, jurisdiction, *, progress=None):
        self.jurisdiction = jurisdiction
        self.progress = progress or (lambda phase, done, total: None)

    @contextlib.contextmanager
    def running(self):
        """Where to analyse and apply: in the jurisdiction (``connection.tenant`` is the
        jurisdiction itself and its time zone the current one, as in one of its requests: the
        services called read them, "today" for a birth date at La Réunion is La Réunion's), or in
        the public schema for accounts and memberships."""
        from django.utils import timezone
        from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

        if self.tenant_schema:
            with tenant_context(self.jurisdiction), timezone.override(self.jurisdiction.zone):
                yield
        else:
            with schema_context(get_public_schema_name()):
                yield

    # --- analysis --------------------------------------------------------------------------
    def analyse(self, data: bytes) -> Plan:
        plan = Plan(kind=self.kind)
        try:
            table = read_table(data)
        except ReadError as error:
            plan.file_error = error.message
            return plan
        plan.encoding, plan.delimiter = table.encoding, table.delimiter
        plan.total_rows = len(table.rows)
        try:
            positions = self.map_columns(table)
        except ReadError as error:
            plan.file_error = error.message
            return plan
        if not table.rows:
            plan.file_error = (
                "Le fichier ne contient que la ligne d'en-tête : aucune ligne à importer."
            )
            return plan
        self.plan_rows(Records(table.rows, positions), plan)
        return plan

    def map_columns(self, table: Table) -> dict[str, int]:
        found = {search_key(header): index for index, header in enumerate(table.headers)}
        positions, missing = {}, []
        for column in self.columns:
            index = next((found[name] for name in column.names() if name in found), None)
            if index is not None:
                positions[column.key] = index
            elif column.required:
                missing.append(column.label)
        if missing:
            seen = ", ".join(header for header in table.headers if header) or "aucune"
            raise ReadError(
                f"Colonnes manquantes : {', '.join(missing)}. Colonnes trouvées dans le fichier : "
                f"{seen}."
            )
        return positions

    def label(self, key: str) -> str:
        return next(column.label for column in self.columns if column.key == key)

    def plan_rows(self, records: "Records", plan: Plan) -> None:
        raise NotImplementedError

    # --- applying --------------------------------------------------------------------------
    def check_applicable(self, plan: Plan, *, valid_only: bool) -> None:
        if plan.file_error:
            raise ImportRefused(plan.file_error)
        if plan.errors and not valid_only:
            raise ImportRefused(
                f"{rejected_lines(len(plan.rejected_lines))} : rien n'a été importé. "
                "Corrigez le fichier, ou choisissez d'importer seulement les lignes valides."
            )

    def apply(self, plan: Plan, *, acting_user, valid_only: bool = False) -> dict:
        raise NotImplementedError


# --- values --------------------------------------------------------------------------------
DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), ("day", "month", "year")),
    (
        re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
        ("year", "month", "day"),
    ),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def text(value) -> str:
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_date(value) -> dt.date:
    """dd/mm/yyyy, ISO, a date cell of a spreadsheet or its serial number; ValueError in French."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100000:  # an Excel serial number (a date cell without a date format)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"Date illisible : « {text(value)} ».")
    return _parse_date_text(text(value))


@functools.lru_cache(maxsize=50_000)
def _parse_date_text(raw: str) -> dt.date:
    """Cached: a file repeats the same few hundred days and birth dates (errors are not cached:
    they raise)."""
    if not raw:
        raise ValueError("Date manquante.")
    for pattern, order in DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return dt.date(parts["year"], parts["month"], parts["day"])
            except ValueError:
                raise ValueError(f"La date « {raw} » n'existe pas.") from None
    raise ValueError(f"Date illisible : « {raw} » (attendu JJ/MM/AAAA).")


def quiet_triggers() -> None:
    """Call at the start of an apply transaction: the audit triggers (django-pgtrigger) read the
    setting ``pgtrigger.ignore`` at each call (once per statement, ADR 0025) and, when it is
    unset, go through an exception block (a subtransaction per call). Setting it to "ignore
    nothing" for this transaction keeps every trigger running and takes that cost away."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


def copy_new(model, instances: list) -> None:
    """Insert new ``instances`` with ``COPY`` and give each its primary key, like
    ``bulk_create`` without building an ``INSERT`` of every value (ADR 0014): the keys are drawn
    from the table's sequence first, since ``COPY`` returns none. Each field's ``pre_save``
    runs as in ``bulk_create`` (``auto_now_add``); a field with only a database default is left
    to the database. Triggers fire as for any insert (audit, national person index)."""
    from django.db import connection

    if not instances:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.has_db_default() and not f.has_default())]
    quote = connection.ops.quote_name
    table, pk_column = quote(meta.db_table), meta.pk.column
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk_column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = pk
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for instance in instances:
                copy.write_row([f.pre_save(instance, True) for f in fields])
                instance._state.adding = False
