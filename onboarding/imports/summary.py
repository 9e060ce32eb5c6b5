"""How the import pages say things: the time left of a running import, and the rejected rows
grouped by cause, with the fix in words. Pure functions of what the job recorded."""

import re
from dataclasses import dataclass

from jurisdiction_apps.people.normalisation import search_key

# Below this, a rate is not worth an estimate (the first rows, a worker just started).
MIN_SECONDS = 1.0
MIN_ROWS = 1
GROUP_LINES_SHOWN = 1000


def remaining_text(done: int, total: int, elapsed_seconds: float) -> str:
    """The time left, in words, from the rows done out of ``total`` in ``elapsed_seconds``:
    "moins d'une minute", "environ 2 minutes restantes"; "estimation en cours" while the rate
    is unknown (nothing done yet, or too early to tell)."""
    if total <= 0 or done < MIN_ROWS or elapsed_seconds < MIN_SECONDS:
        return "estimation en cours"
    if done >= total:
        return "presque terminé"
    seconds = (total - done) * elapsed_seconds / done
    if seconds < 60:
        return "moins d'une minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _left(minutes, "minute")
    return _left(round(seconds / 3600), "heure")


def _left(count: int, unit: str) -> str:
    plural = "s" if count > 1 else ""
    return f"environ {count} {unit}{plural} restante{plural}"


# --- rejected rows grouped by cause ------------------------------------------------------------
# The fix of a known cause (keyed by the search key of the message's head, before " : ").
FIXES = {
    "personne inconnue": "importez d'abord les personnes (export APPI)",
    "lieu inconnu": "importez d'abord les lieux et leurs agendas",
    "agenda inconnu": "importez d'abord les lieux avec leurs agendas (colonne « Agendas »)",
    "agent inconnu": "importez d'abord les agents",
    "type de rendez vous inconnu": "écrivez un type de rendez-vous de la juridiction",
}
QUOTED = re.compile(r"«[^»]*»")
NUMBER = re.compile(r"\d+")


def cause_of(message: str) -> str:
    """The cause of a row's rejection without its values (names, numbers, dates are personal
    data or row-specific): the message's head before " : ", quoted values and numbers masked."""
    masked = NUMBER.sub("…", QUOTED.sub("«…»", message))
    head, _, tail = masked.partition(" : ")
    if head.strip() in ("«…»", "") and tail:
        head = tail.partition(" : ")[0]
    return head.strip().rstrip(".")


@dataclass
class ErrorGroup:
    column: str
    cause: str
    fix: str
    lines: list[int]

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def title(self) -> str:
        count = self.count
        cause = self.cause[:1].lower() + self.cause[1:]
        return f"{count} ligne{'s' if count > 1 else ''} : {cause} — {self.fix}"

    @property
    def shown_lines(self) -> list[int]:
        return self.lines[:GROUP_LINES_SHOWN]

    @property
    def hidden_count(self) -> int:
        return max(self.count - GROUP_LINES_SHOWN, 0)


def group_errors(errors: list) -> list[ErrorGroup]:
    """[line, column, message] rows → groups by (column, cause), the largest first, each with
    its fix in words and its line numbers (a line counted once per group)."""
    groups: dict[tuple[str, str], ErrorGroup] = {}
    for line, column, message in errors:
        cause = cause_of(message)
        key = (column, cause)
        group = groups.get(key)
        if group is None:
            fix = FIXES.get(search_key(cause)) or (
                f"corrigez la colonne « {column} » de ces lignes dans le fichier"
                if column
                else "corrigez ces lignes dans le fichier"
            )
            group = groups[key] = ErrorGroup(column, cause, fix, [])
        if not group.lines or group.lines[-1] != line:
            group.lines.append(line)
    return sorted(groups.values(), key=lambda group: (-group.count, group.lines[0]))
